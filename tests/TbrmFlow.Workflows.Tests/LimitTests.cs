using System.Text;
using System.Text.Json.Nodes;
using TbrmFlow.Workflows.Expressions;
using TbrmFlow.Workflows.Model;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Tests.Support;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Workflows.Tests;

/// <summary>Each limit sits exactly where docs/workflows.md says: at the limit a file passes, one beyond it gets TF0040 there.</summary>
public sealed class LimitTests
{
    private static IReadOnlyList<Diagnostic> Check(string text) => WorkflowValidator.Load(text, TestActivities.Catalog).Diagnostics;

    private static Diagnostic? LimitError(string text) => Check(text).FirstOrDefault(d => d.Code == DiagnosticCodes.Limit && !d.IsWarning);

    private static string WithSize(string value) => $"name: x\nstages:\n  a:\n    uses: t.data\n    with: {{ size: {value} }}\n";

    /// <param name="open">What nests.</param>
    /// <param name="inner">The innermost operand.</param>
    /// <param name="close">What closes each level.</param>
    /// <param name="atLimit">How many levels pass: a leaf under N operators or calls is a tree N + 1 high; parentheses add no node.</param>
    /// <param name="column">Where the error is: the outermost node too high, or the parenthesis too deep.</param>
    [Theory]
    [InlineData("!", "true", "", WorkflowLimits.MaxExpressionDepth - 1, 24)]
    [InlineData("-", "1", "", WorkflowLimits.MaxExpressionDepth - 1, 24)]
    [InlineData("length(", "1", ")", WorkflowLimits.MaxExpressionDepth - 1, 24)]
    [InlineData("(", "1", ")", WorkflowLimits.MaxExpressionDepth, 24 + WorkflowLimits.MaxExpressionDepth)]
    public void ExpressionNesting_PassesAtTheLimit_AndIsRefusedOneBeyond(string open, string inner, string close, int atLimit, int column)
    {
        string Expr(int n) => string.Concat(Enumerable.Repeat(open, n)) + inner + string.Concat(Enumerable.Repeat(close, n));
        Assert.Null(Record.Exception(() => ExpressionParser.Parse(Expr(atLimit))));
        var e = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(Expr(atLimit + 1)));
        Assert.True(e.IsLimit);
        Assert.Contains("(limit MaxExpressionDepth = 64)", e.Message, StringComparison.Ordinal);
        var d = LimitError(WithSize($"\"${{{{ {Expr(atLimit + 1)} }}}}\""))!;
        Assert.Equal((5, column), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void OperatorAndMemberChains_CountTowardsTheDepth()
    {
        Assert.Null(Record.Exception(() => ExpressionParser.Parse(string.Join(" + ", Enumerable.Repeat("1", WorkflowLimits.MaxExpressionDepth)))));
        Assert.True(Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(string.Join(" + ", Enumerable.Repeat("1", WorkflowLimits.MaxExpressionDepth + 1)))).IsLimit);
        Assert.True(Assert.Throws<ExpressionException>(() => ExpressionParser.Parse("params" + string.Concat(Enumerable.Repeat(".a", WorkflowLimits.MaxExpressionDepth)))).IsLimit);
    }

    [Fact]
    public void ExpressionLength_IsLimited()
    {
        var text = "'" + new string('x', WorkflowLimits.MaxExpressionLength - 2) + "'";
        Assert.Null(Record.Exception(() => ExpressionParser.Parse(text)));
        Assert.True(Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(text + " ")).IsLimit);
    }

    [Fact]
    public void AndOrChains_EvaluateTheirLeftSideOnce()
    {
        // 60 levels of left-nested && were 2^60 evaluations; now one pass.
        var chain = Template.Parse("${{ " + string.Join(" && ", Enumerable.Repeat("false", 60)) + " }}");
        Assert.False(chain.Evaluate([])!.GetValue<bool>());
        Assert.Equal("x", Template.Parse("${{ " + string.Join(" || ", Enumerable.Repeat("null", 60)) + " || 'x' }}").Evaluate([])!.GetValue<string>());
    }

    [Theory]
    [InlineData("${{ 9223372036854775807 + 1 }}", "integer overflow")]
    [InlineData("${{ -(0 - 9223372036854775807 - 1) }}", "integer overflow")]
    [InlineData("${{ 1e308 * 10 }}", "not a finite number")]
    [InlineData("${{ 1e999 }}", "bad number")]
    public void Arithmetic_BeyondTheNumbers_IsAnErrorNotAWrappedValue(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ExpressionException>(() => Template.Parse(text).Evaluate([])).Message, StringComparison.Ordinal);

    [Fact]
    public void YamlDepth_PassesAtTheLimit_AndIsRefusedOneBeyond()
    {
        // The root mapping is level 1 and the scalar inside N sequences under 'x' is level N + 2.
        string Doc(int n) => "x: " + new string('[', n) + "1" + new string(']', n) + "\n";
        Assert.DoesNotContain(Check(Doc(WorkflowLimits.MaxYamlDepth - 2)), d => d.Code == DiagnosticCodes.Limit);
        var d = LimitError(Doc(WorkflowLimits.MaxYamlDepth - 1))!;
        Assert.Equal((1, 4 + WorkflowLimits.MaxYamlDepth - 1), (d.Location.Line, d.Location.Column));
        Assert.Contains("(limit MaxYamlDepth = 64)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesCount_AsEveryNodeTheyRepeat_AtTheAliasThatPassesTheBudget()
    {
        // 10 x 10 x 10 x 100 = 100,000 scalars under a0..a3 plus the lists: the last alias of a3 passes the budget.
        var text = "a0: &a0 [" + string.Join(",", Enumerable.Repeat("1", 100)) + "]\n"
            + "a1: &a1 [" + string.Join(",", Enumerable.Repeat("*a0", 10)) + "]\n"
            + "a2: &a2 [" + string.Join(",", Enumerable.Repeat("*a1", 10)) + "]\n"
            + "a3: [" + string.Join(",", Enumerable.Repeat("*a2", 10)) + "]\n";
        var d = LimitError(text)!;
        Assert.Equal(4, d.Location.Line);
        Assert.Contains("(limit MaxYamlNodes = 100000)", d.Message, StringComparison.Ordinal);
        // Eight of them are fine (about 92,000 nodes).
        Assert.Null(LimitError(text.Replace(",*a2,*a2]", "]", StringComparison.Ordinal)));
    }

    [Fact]
    public void AliasesOfLongValues_CountTheirCharacters()
    {
        var text = $"v: &v \"{new string('x', 60_000)}\"\nl: [{string.Join(",", Enumerable.Repeat("*v", 40))}]\n";
        var d = LimitError(text)!;
        Assert.Contains("(limit MaxExpandedChars = 2097152)", d.Message, StringComparison.Ordinal);
        Assert.Equal(2, d.Location.Line);
    }

    [Fact]
    public void ScalarLength_PassesAtTheLimit_AndIsRefusedBeyond()
    {
        Assert.Null(LimitError(WithSize("\"" + new string('x', WorkflowLimits.MaxScalarLength) + "\"")));
        var d = LimitError(WithSize("\"" + new string('x', WorkflowLimits.MaxScalarLength + 1) + "\""))!;
        Assert.Equal((5, 19), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void DocumentSize_IsCheckedInBytes_AtTheLineWhereItIsPassed()
    {
        var line = "# " + new string('é', 500) + "\n"; // 1,003 bytes, 503 characters
        var text = new StringBuilder("name: x\n").Insert(8, line, (WorkflowLimits.MaxDocumentBytes / 1003) + 1).ToString();
        var d = LimitError(text)!;
        Assert.Equal(2 + (WorkflowLimits.MaxDocumentBytes - 8) / 1003, d.Location.Line);
        Assert.False(WorkflowText.TryDecode(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Equal(d.Location.Line, error!.Location.Line);
        Assert.True(WorkflowText.TryDecode(new byte[WorkflowLimits.MaxDocumentBytes], out _, out _));
    }

    [Fact]
    public void FileBytes_Utf8IsChecked_ByteOrderMarksAreHonoured()
    {
        Assert.True(WorkflowText.TryDecode([0xEF, 0xBB, 0xBF, (byte)'a'], out var utf8, out _));
        Assert.Equal("a", utf8);
        Assert.True(WorkflowText.TryDecode([0xFF, 0xFE, (byte)'a', 0], out var utf16, out _));
        Assert.Equal("a", utf16);
        Assert.False(WorkflowText.TryDecode([.. "a: 1\nb: "u8, 0xC3, 0x28], out _, out var error));
        Assert.Equal(("TF0001", 2, 4), (error!.Code, error.Location.Line, error.Location.Column));
        Assert.Contains("0xC3", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WorkflowLimits.MaxRepeatCount, false)]
    [InlineData(WorkflowLimits.MaxRepeatCount + 1, true)]
    public void RepeatCount_AndMax_AreLimited(int n, bool refused)
    {
        Assert.Equal(refused, LimitError($"name: x\nstages:\n  r:\n    repeat: {n}\n    stages:\n      a: {{ uses: t.data }}\n") is not null);
        Assert.Equal(refused, LimitError($"name: x\nstages:\n  r:\n    until: \"${{{{ loop.index > 2 }}}}\"\n    max: {n}\n    stages:\n      a: {{ uses: t.data }}\n") is not null);
    }

    [Theory]
    [InlineData(100, 100, false)]
    [InlineData(100, 101, true)]
    public void NestedRepeats_MultiplyTheirCounts(int outer, int inner, bool refused)
    {
        var text = $"name: x\nstages:\n  o:\n    repeat: {outer}\n    stages:\n      i:\n        repeat: {inner}\n        stages:\n          a: {{ uses: t.data }}\n";
        var d = LimitError(text);
        Assert.Equal(refused, d is not null);
        if (refused)
        {
            Assert.Equal((7, 17), (d!.Location.Line, d.Location.Column));
            Assert.StartsWith($"stage 'i': nested in its enclosing repeats it runs {outer * inner} iterations in all", d.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(16, 16, false)]
    [InlineData(16, 17, true)]
    public void MatrixCells_AreLimited_BeforeAnyCellIsMade(int a, int b, bool refused)
    {
        var text = $"name: x\nstages:\n  s:\n    uses: t.data\n    matrix: {{ a: [{string.Join(",", Enumerable.Range(0, a))}], b: [{string.Join(",", Enumerable.Range(0, b))}] }}\n";
        var d = LimitError(text);
        Assert.Equal(refused, d is not null);
        if (refused)
        {
            Assert.Equal((5, 13), (d!.Location.Line, d.Location.Column));
            Assert.Contains("(limit MaxMatrixCells = 256)", d.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void StageInstances_AddUpOverStages_AndTheStageThatPassesIsNamed()
    {
        string Doc(int stages) => "name: x\nstages:\n" + string.Concat(Enumerable.Range(0, stages).Select(i => $"  s{i}: {{ uses: t.data, matrix: {{ x: [{string.Join(",", Enumerable.Range(0, 256))}] }} }}\n"));
        Assert.Null(LimitError(Doc(4)));
        var d = LimitError(Doc(5))!;
        Assert.StartsWith("stage 's4' brings the plan to more than 1024 stage instances", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StageCount_IsLimited_AtTheFirstStageBeyond()
    {
        string Doc(int n) => "name: x\nstages:\n" + string.Concat(Enumerable.Range(0, n).Select(i => $"  s{i}: {{ uses: t.data }}\n"));
        Assert.Null(LimitError(Doc(WorkflowLimits.MaxStages)));
        Assert.Equal(3 + WorkflowLimits.MaxStages, LimitError(Doc(WorkflowLimits.MaxStages + 1))!.Location.Line);
    }

    [Theory]
    [InlineData("retry: 101", "MaxRetryAttempts")]
    [InlineData("retry: { attempts: 101 }", "MaxRetryAttempts")]
    [InlineData("timeout: 25d", "MaxDurationSeconds")]
    [InlineData("timeout: 1e300", "MaxDurationSeconds")]
    [InlineData("retry: { attempts: 2, backoff: 99999999999999h }", "MaxDurationSeconds")]
    public void RetryAndDurations_AreLimited(string field, string limit) =>
        Assert.Contains($"(limit {limit} = ", LimitError($"name: x\nstages:\n  a:\n    uses: t.data\n    {field}\n")!.Message, StringComparison.Ordinal);

    [Fact]
    public void RetryWaits_NeverPassTheLongestDuration() =>
        Assert.Equal(WorkflowLimits.MaxDuration, new RetryPolicy(WorkflowLimits.MaxRetryAttempts, TimeSpan.FromHours(1)).DelayBefore(WorkflowLimits.MaxRetryAttempts));

    [Fact]
    public void Diagnostics_AreCapped_ErrorsBeforeWarnings_WithOneLineForTheRest()
    {
        var text = "name: x\nparams:\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"  p{i}: 1\n")) + "stages:\n  a: { uses: t.dat }\n";
        var diagnostics = Check(text);
        Assert.Equal(WorkflowLimits.MaxDiagnostics + 1, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.UnknownActivity);
        var last = diagnostics[^1];
        Assert.Equal((DiagnosticCodes.Limit, true), (last.Code, last.IsWarning));
        Assert.StartsWith("101 more problem(s) not shown", last.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_QuotingLongText_AreCut()
    {
        var activity = new string('t', 5000);
        var d = Check($"name: x\nstages:\n  a: {{ uses: {activity} }}\n").Single(d => d.Code == DiagnosticCodes.UnknownActivity);
        Assert.Equal(WorkflowLimits.MaxMessageLength + 1, d.Message.Length);
        Assert.EndsWith("…", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParameterValues_AreReadUnderTheSameLimits()
    {
        var bomb = "[" + string.Join(",", Enumerable.Repeat("&a [1,1,1,1,1,1,1,1,1,1]", 1)) + "," + string.Join(",", Enumerable.Repeat("*a", 20_000)) + "]";
        Assert.Equal(JsonValue.Create(bomb)!.ToJsonString(), ParamOverrides.ParseValue(bomb)!.ToJsonString());
    }

    [Fact]
    public void FieldPositions_FallBackToTheNearestEnclosingField()
    {
        var stage = new StageDefinition
        {
            Id = "a",
            Uses = "t",
            Location = new SourceLocation(3, 3),
            Locations = new Dictionary<string, SourceLocation> { ["with"] = new(4, 5), ["with.x"] = new(5, 7) },
        };
        Assert.Equal(new SourceLocation(5, 7), stage.LocationOf("with.x[3].y"));
        Assert.Equal(new SourceLocation(4, 5), stage.LocationOf("with.z"));
        Assert.Equal(new SourceLocation(3, 3), stage.LocationOf("matrix.x"));
    }
}
