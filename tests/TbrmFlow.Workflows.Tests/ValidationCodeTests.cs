using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Tests.Support;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Workflows.Tests;

/// <summary>One bad file per diagnostic code; the first line says which code, where: <c># expect: TF0003 5:5</c>.</summary>
public sealed partial class ValidationCodeTests
{
    public static TheoryData<string> BadFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Bad"), "*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFile_ReportsItsCode_AtItsPosition(string name)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Bad", name));
        var expect = Expect().Match(text);
        Assert.True(expect.Success, "the file needs '# expect: TF#### LINE:COL' on its first line");
        var (workflow, diagnostics) = WorkflowValidator.Load(text, TestActivities.Catalog);
        var code = expect.Groups[1].Value;
        var hit = diagnostics.FirstOrDefault(d => d.Code == code);
        Assert.True(hit is not null, $"expected {code}, got: {string.Join(" | ", diagnostics.Select(d => d.Format(name)))}");
        Assert.Equal($"{expect.Groups[2].Value}:{expect.Groups[3].Value}", $"{hit.Location.Line}:{hit.Location.Column}");
        Assert.Equal(code == DiagnosticCodes.UnusedParam, workflow is not null);
        Assert.Matches(@"^Bad/TF\d{4}\.yaml:\d+:\d+: (error|warning) TF\d{4}: .+", hit.Format("Bad/" + name));
    }

    [Fact]
    public void EveryCode_HasABadFile()
    {
        var codes = typeof(DiagnosticCodes).GetFields().Select(f => (string)f.GetValue(null)!).ToList();
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Bad"), "*.yaml").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(codes.Order(), files.Order());
    }

    [Fact]
    public void GoodFile_HasNoDiagnostics()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Good", "quickstart.yaml"));
        var (workflow, diagnostics) = WorkflowValidator.Load(text, TestActivities.Catalog);
        Assert.Empty(diagnostics.Select(d => d.Format("quickstart.yaml")));
        Assert.NotNull(workflow);
    }

    [Fact]
    public void AllErrors_AreReportedAtOnce()
    {
        const string Text = """
            name: x
            stages:
              a: { uses: t.dat }
              b: { uses: t.data, with: { siz: 1 } }
              c: { uses: t.train, with: { prompts: "${{ stages.zz.outputs.train }}" } }
            """;
        var (_, diagnostics) = WorkflowValidator.Load(Text, TestActivities.Catalog);
        Assert.Equal(["TF0010", "TF0013", "TF0020"], diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Messages_SuggestTheClosestName_AndListKnownOnes()
    {
        var (_, diagnostics) = WorkflowValidator.Load("name: x\nstages:\n  a: { uses: t.trian }\n", TestActivities.Catalog);
        Assert.Equal("unknown activity 't.trian'; did you mean 't.train'? (known: t.data, t.eval, t.train)", diagnostics.Single().Message);
    }

    [Fact]
    public void Cycle_PrintsThePath()
    {
        var (_, diagnostics) = WorkflowValidator.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Bad", "TF0023.yaml")), TestActivities.Catalog);
        Assert.Contains(diagnostics, d => d.Message == "dependency cycle: a -> b -> a");
    }

    [Fact]
    public void MissingInput_NamesTheInputAndItsType()
    {
        var (_, diagnostics) = WorkflowValidator.Load("name: x\nstages:\n  a: { uses: t.eval }\n", TestActivities.Catalog);
        Assert.Equal("stage 'a': activity 't.eval' needs input 'checkpoint' (Checkpoint (an upstream output or a path): The policy.)", diagnostics.Single().Message);
    }

    [Fact]
    public void EnumInput_ListsAllowedValues()
    {
        var (_, diagnostics) = WorkflowValidator.Load("name: x\nstages:\n  a: { uses: t.data, with: { mode: slow } }\n", TestActivities.Catalog);
        Assert.Equal("input 'mode' of 't.data' expects one of (fast, very_slow), got \"slow\"", diagnostics.Single().Message);
    }

    [GeneratedRegex(@"^# expect: (TF\d{4}) (\d+):(\d+)")]
    private static partial Regex Expect();
}
