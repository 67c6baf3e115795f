using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Tests.Support;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Workflows.Tests;

/// <summary>
/// Thousands of mutated workflow files into the validator: no unhandled exception, and every outcome
/// is either "valid" (what exit 0 means) or "invalid with well-formed FILE:LINE:COL messages" (exit 2).
/// </summary>
public sealed partial class FuzzTests
{
    private const int Mutations = 5000;
    private static readonly string[] Snippets =
        ["${{", "}}", ":", "- ", "{", "}", "[", "]", "\"", "'", "\n", "  ", "stages.", "params.", "matrix.", "loop.", "@", "&a ", "*a", "#", "uses: t.data", "repeat: 2", "until: x", "needs: [a]", "include: [{p: 1}]", "null", "-1", "1e309", "\t", "%", "!!"];

    [Fact]
    public void MutatedWorkflows_NeverThrow_AndAlwaysGetWellFormedMessages()
    {
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Good", "quickstart.yaml"));
        var corpus = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Bad"), "*.yaml").Select(File.ReadAllText).Append(seed).ToList();
        var random = new Random(12345);
        int valid = 0, invalid = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Mutations; i++)
        {
            var text = Mutate(random.Next(2) == 0 ? seed : corpus[random.Next(corpus.Count)], random, 1 + random.Next(3));
            IReadOnlyList<Diagnostic> diagnostics;
            Model.WorkflowDefinition? workflow;
            try
            {
                (workflow, diagnostics) = WorkflowValidator.Load(text, TestActivities.Catalog);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} threw {e}\n--- input ---\n{text}");
                return;
            }
            if (workflow is null)
            {
                invalid++;
                Assert.Contains(diagnostics, d => !d.IsWarning);
            }
            else
            {
                valid++;
                Assert.DoesNotContain(diagnostics, d => !d.IsWarning);
            }
            foreach (var d in diagnostics)
            {
                Assert.Matches(Line(), d.Format("f.yaml"));
                Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, $"bad position in {d.Format("f.yaml")}");
            }
        }
        Assert.Equal(Mutations, valid + invalid);
        Assert.True(valid > 0 && invalid > 0, $"valid {valid}, invalid {invalid}: the mutations should produce both");
        Console.WriteLine($"fuzz: {Mutations} files, {valid} valid, {invalid} invalid, {clock.Elapsed.TotalSeconds:F1}s");
    }

    private static string Mutate(string text, Random random, int edits)
    {
        var sb = new StringBuilder(text);
        for (var e = 0; e < edits && sb.Length > 0; e++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(5))
            {
                case 0:
                    sb.Remove(at, Math.Min(1 + random.Next(8), sb.Length - at));
                    break;
                case 1:
                    sb.Insert(at, Snippets[random.Next(Snippets.Length)]);
                    break;
                case 2:
                    sb[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    var lines = sb.ToString().Split('\n').ToList();
                    var l = random.Next(lines.Count);
                    lines.Insert(random.Next(lines.Count), lines[l]);
                    sb.Clear().Append(string.Join('\n', lines));
                    break;
                default:
                    var all = sb.ToString().Split('\n').ToList();
                    var x = random.Next(all.Count);
                    var y = random.Next(all.Count);
                    (all[x], all[y]) = (all[y], all[x]);
                    sb.Clear().Append(string.Join('\n', all));
                    break;
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^f\.yaml:\d+:\d+: (error|warning) TF\d{4}: \S.*", RegexOptions.Singleline)]
    private static partial Regex Line();
}
