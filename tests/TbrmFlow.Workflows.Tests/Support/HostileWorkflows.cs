using System.Text;

namespace TbrmFlow.Workflows.Tests.Support;

/// <summary>
/// Generated hostile workflow files: deep nesting of every construct, alias bombs, huge matrices, huge scalars and
/// documents, bad bytes. Shared (as a linked file) by the validator fuzz tests, the command-line test and the server
/// test. <see cref="Case.Code"/> is the code the file must get (a limit is TF0040), or empty when any outcome is
/// fine as long as it is bounded and positioned.
/// </summary>
public static class HostileWorkflows
{
    /// <summary>One hostile file.</summary>
    /// <param name="Name">What it is (also a valid workflow file name).</param>
    /// <param name="Bytes">The file's bytes.</param>
    /// <param name="Code">The diagnostic code it must get, or "" for any bounded outcome.</param>
    public sealed record Case(string Name, byte[] Bytes, string Code)
    {
        /// <summary>The text as a client would send it (invalid UTF-8 replaced).</summary>
        public string Text => Encoding.UTF8.GetString(Bytes);

        /// <inheritdoc />
        public override string ToString() => Name;
    }

    private const string Limit = "TF0040";
    private const string Syntax = "TF0001";

    /// <summary>The cases of issue 13, at the sizes it names.</summary>
    public static IReadOnlyList<Case> FromTheIssue { get; } =
    [
        Expression("issue-bang-200k", new string('!', 200_000) + "true", Limit),
        Expression("issue-parens-100k", new string('(', 100_000) + "1" + new string(')', 100_000), Limit),
        new("issue-billion-laughs", Utf8(Laughs(9, 9, "lol")), Limit),
        new("issue-matrix-7x10", Utf8(Matrix(Enumerable.Range(0, 7).Select(i => $"ax{i}: [0,1,2,3,4,5,6,7,8,9]"))), Limit),
        new("issue-repeat-1e12", Utf8(Stage("r", "repeat: 1000000000000\n    stages:\n      a: { uses: t.data }")), Limit),
    ];

    /// <summary>Every case: the issue's, then each construct nested and repeated beyond its limit, then odd bytes.</summary>
    public static IReadOnlyList<Case> All { get; } = [.. FromTheIssue, .. Expressions(), .. Yaml(), .. Counts(), .. Bytes()];

    private static IEnumerable<Case> Expressions()
    {
        yield return Expression("expr-bang-60k", new string('!', 60_000) + "true", Limit);
        yield return Expression("expr-bang-5k", new string('!', 5_000) + "true", Limit);
        yield return Expression("expr-parens-2k", new string('(', 2_000) + "1" + new string(')', 2_000), Limit);
        yield return Expression("expr-minus-3k", new string('-', 3_000) + "1", Limit);
        yield return Expression("expr-indexers-1k", "params.p" + Repeat("[0]", 1_000), Limit);
        yield return Expression("expr-index-keys-1k", Repeat("params.p[", 1_000) + "0" + new string(']', 1_000), Limit);
        yield return Expression("expr-calls-1k", Repeat("length(", 1_000) + "1" + new string(')', 1_000), Limit);
        yield return Expression("expr-members-1500", "params" + Repeat(".p", 1_500), Limit);
        yield return Expression("expr-plus-chain-1k", "1" + Repeat(" + 1", 1_000), Limit);
        yield return Expression("expr-mixed-1k", Repeat("!-(", 1_000) + "1" + new string(')', 1_000), Limit);
        yield return Expression("expr-long-string-10k", "'" + new string('x', 10_000) + "'", Limit);
        yield return Expression("expr-unclosed", Repeat("format('", 500), "TF0007");
        yield return Expression("expr-huge-number", "1" + new string('0', 400), "TF0007");
        // Evaluated while validating (a matrix axis): once exponential in the && chain, integer overflow, infinity.
        yield return new("expr-and-chain-in-matrix", Utf8(Matrix(["x: \"${{ " + string.Join(" && ", Enumerable.Repeat("false", 60)) + " }}\""])), "TF0030");
        yield return new("expr-overflow-in-matrix", Utf8(Matrix(["x: \"${{ 9223372036854775807 + 1 }}\""])), "TF0030");
        yield return new("expr-infinity-in-matrix", Utf8(Matrix(["x: \"${{ 1e308 * 10 }}\""])), "TF0030");
    }

    private static IEnumerable<Case> Yaml()
    {
        yield return With("yaml-flow-seq-100k", Repeat("[", 100_000) + "1" + Repeat("]", 100_000), Limit);
        yield return With("yaml-flow-map-100k", Repeat("{a: ", 100_000) + "1" + Repeat("}", 100_000), Limit);
        yield return With("yaml-flow-seq-70", Repeat("[", 70) + "1" + Repeat("]", 70), Limit);
        yield return With("yaml-unclosed-100k", Repeat("[", 100_000), "");
        yield return new("yaml-block-seq-100k", Utf8(Repeat("- ", 100_000) + "x\n"), Limit);
        yield return new("yaml-block-map-700", Utf8(BlockMapping(700)), Limit);
        yield return new("yaml-laughs-long-values", Utf8(LongValueBomb()), Limit);
        yield return new("yaml-alias-depth-chain", Utf8(AliasDepthChain()), Limit);
        yield return new("yaml-unknown-alias", Utf8("name: x\nstages:\n  a: *nowhere\n"), Syntax);
        yield return new("yaml-many-aliases-50k", Utf8("v: &v 1\nname: x\nstages:\n  a:\n    uses: t.data\n    with: { size: [" + string.Join(",", Enumerable.Repeat("*v", 50_000)) + "] }\n"), "");
        yield return With("yaml-scalar-100k", "\"" + new string('x', 100_000) + "\"", Limit);
        // YamlDotNet itself refuses a plain key longer than 1024 characters.
        yield return new("yaml-key-100k", Utf8("name: x\n" + new string('k', 100_000) + ": 1\nstages:\n  a: { uses: t.data }\n"), Syntax);
        yield return new("yaml-quoted-key-100k", Utf8("name: x\n\"" + new string('k', 100_000) + "\": 1\nstages:\n  a: { uses: t.data }\n"), "");
        yield return new("yaml-document-2mb", Utf8(Stage("a", "uses: t.data") + Repeat("# " + new string('c', 1000) + "\n", 2_000)), Limit);
        yield return new("yaml-line-900k", Utf8(Stage("a", "uses: t.data") + "# " + new string('c', 900_000) + "\n"), "");
        yield return new("yaml-repeat-nested-40", Utf8(NestedRepeats(40)), Limit);
        yield return new("yaml-repeat-nested-8", Utf8(NestedRepeats(8)), "");
    }

    private static IEnumerable<Case> Counts()
    {
        yield return new("count-repeat-1e30", Utf8(Stage("r", "repeat: 1000000000000000000000000000000\n    stages:\n      a: { uses: t.data }")), Limit);
        yield return new("count-until-max-1e12", Utf8(Stage("r", "until: \"${{ loop.index > 1 }}\"\n    max: 1000000000000\n    stages:\n      a: { uses: t.data }")), Limit);
        yield return new("count-retry-1e9", Utf8(Stage("a", "uses: t.data\n    retry: 1000000000")), Limit);
        yield return new("count-timeout-1e300", Utf8(Stage("a", "uses: t.data\n    timeout: 1e300")), Limit);
        yield return new("count-backoff-99999d", Utf8(Stage("a", "uses: t.data\n    retry: { attempts: 3, backoff: 99999d }")), Limit);
        yield return new("count-stages-600", Utf8("name: x\nstages:\n" + string.Concat(Enumerable.Range(0, 600).Select(i => $"  s{i}: {{ uses: t.data }}\n"))), Limit);
        yield return new("count-matrix-include-1000", Utf8(Matrix(["x: [1]", "include: [" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{x: {i}}}")) + "]"])), Limit);
        yield return new("count-matrix-exclude-1000", Utf8(Matrix(["x: [1]", "exclude: [" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"{{x: {i}}}")) + "]"])), Limit);
        yield return new("count-matrix-axis-300", Utf8(Matrix(["x: [" + string.Join(",", Enumerable.Range(0, 300)) + "]"])), Limit);
        yield return new("count-matrix-param-axis-300", Utf8("name: x\nparams:\n  xs: [" + string.Join(",", Enumerable.Range(0, 300)) + "]\n" + Stage("a", "uses: t.data\n    matrix: { x: \"${{ params.xs }}\" }")[8..]), Limit);
        yield return new("count-matrix-nested-16x32", Utf8(Stage("r", "repeat: 2\n    matrix: { a: [" + Numbers(16) + "] }\n    stages:\n      s: { uses: t.data, matrix: { b: [" + Numbers(32) + "] } }")), Limit);
        yield return new("count-instances-5x250", Utf8("name: x\nstages:\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"  s{i}: {{ uses: t.data, matrix: {{ x: [{Numbers(250)}] }} }}\n"))), Limit);
        yield return new("count-matrix-long-values", Utf8(Matrix(["x: [" + Numbers(128) + "]", "y: [\"" + new string('v', 40_000) + "\", \"" + new string('w', 40_000) + "\"]"])), Limit);
        yield return new("count-unknown-keys-10k", Utf8("name: x\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"k{i}: 1\n")) + "stages:\n  a: { uses: t.data }\n"), "TF0003");
        yield return new("count-params-30k", Utf8("name: x\nparams:\n" + string.Concat(Enumerable.Range(0, 30_000).Select(i => $"  p{i}: {i}\n")) + Stage("a", "uses: t.data\n    with: { size: \"${{ params.p1 + params.nope }}\" }")[8..]), "TF0022");
    }

    private static IEnumerable<Case> Bytes()
    {
        var good = Stage("a", "uses: t.data");
        yield return new("bytes-nul", Utf8(good.Replace("uses", "us\0es", StringComparison.Ordinal)), Syntax);
        yield return new("bytes-bom", [0xEF, 0xBB, 0xBF, .. Utf8(good)], "");
        yield return new("bytes-bom-inside", Utf8(good + "x: \uFEFFy\n"), "");
        yield return new("bytes-not-utf8", [.. Utf8("name: x\nstages:\n  a: { uses: t."), 0xC3, 0x28, .. Utf8("data }\n")], Syntax);
        yield return new("bytes-lone-surrogate", [.. Utf8("name: x\n"), 0xED, 0xA0, 0x80, .. Utf8(": 1\n")], Syntax);
        yield return new("bytes-utf16", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(good)], "");
        yield return new("bytes-control-chars", Utf8(good + "x: \"\u0001\u0002\u001b[31m\"\n"), "");
        yield return new("bytes-tabs", Utf8("name: x\nstages:\n\ta:\n\t\tuses: t.data\n"), Syntax);
        yield return new("bytes-crlf", Utf8(good.Replace("\n", "\r\n", StringComparison.Ordinal)), "");
        yield return new("bytes-empty", [], Syntax);
    }

    /// <summary>A workflow whose one stage has <c>size: "${{ expression }}"</c>.</summary>
    private static Case Expression(string name, string expression, string code) =>
        With(name, "\"${{ " + expression + " }}\"", code);

    private static Case With(string name, string value, string code) =>
        new(name, Utf8($"name: x\nstages:\n  a:\n    uses: t.data\n    with: {{ size: {value} }}\n"), code);

    private static string Stage(string id, string body) => $"name: x\nstages:\n  {id}:\n    {body}\n";

    private static string Matrix(IEnumerable<string> entries) =>
        "name: x\nstages:\n  a:\n    uses: t.data\n    matrix:\n" + string.Concat(entries.Select(e => $"      {e}\n"));

    /// <summary>Billion laughs: level 0 has <paramref name="width"/> copies of the value, every next level as many aliases of the one before.</summary>
    private static string Laughs(int levels, int width, string value)
    {
        var sb = new StringBuilder($"a0: &a0 [{string.Join(",", Enumerable.Repeat($"\"{value}\"", width))}]\n");
        for (var i = 1; i < levels; i++)
        {
            sb.Append($"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", width))}]\n");
        }
        return sb.Append($"name: bomb\nstages:\n  a:\n    uses: t.data\n    with: {{ size: *a{levels - 1} }}\n").ToString();
    }

    /// <summary>Few nodes, long values: one 60,000-character value repeated by aliases.</summary>
    private static string LongValueBomb() =>
        $"v: &v \"{new string('x', 60_000)}\"\nname: x\nstages:\n  a:\n    uses: t.data\n    with: {{ size: [{string.Join(",", Enumerable.Repeat("*v", 100))}] }}\n";

    /// <summary>Each anchor wraps the previous alias 30 levels deep: shallow in the text, deep once expanded.</summary>
    private static string AliasDepthChain()
    {
        var sb = new StringBuilder($"b0: &b0 {Repeat("[", 30)}1{Repeat("]", 30)}\n");
        for (var i = 1; i < 10; i++)
        {
            sb.Append($"b{i}: &b{i} {Repeat("[", 30)}*b{i - 1}{Repeat("]", 30)}\n");
        }
        return sb.Append("name: x\nstages:\n  a:\n    uses: t.data\n    with: { size: *b9 }\n").ToString();
    }

    private static string BlockMapping(int depth)
    {
        var sb = new StringBuilder("name: x\nstages:\n  a:\n    uses: t.data\n    with:\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append(' ', 6 + i).Append("a:\n");
        }
        return sb.Append(' ', 6 + depth).Append("a: 1\n").ToString();
    }

    private static string NestedRepeats(int depth)
    {
        var sb = new StringBuilder("name: x\nstages:\n");
        for (var i = 0; i < depth; i++)
        {
            sb.Append($"{new string(' ', 2 + (i * 6))}r{i}:\n{new string(' ', 4 + (i * 6))}repeat: 2\n{new string(' ', 4 + (i * 6))}stages:\n");
        }
        return sb.Append($"{new string(' ', 2 + (depth * 6))}a: {{ uses: t.data }}\n").ToString();
    }

    private static string Numbers(int count) => string.Join(",", Enumerable.Range(0, count));

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
