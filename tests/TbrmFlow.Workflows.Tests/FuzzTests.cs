using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TbrmFlow.Workflows.Parsing;
using TbrmFlow.Workflows.Tests.Support;
using TbrmFlow.Workflows.Validation;
using Xunit.Abstractions;

namespace TbrmFlow.Workflows.Tests;

/// <summary>
/// Thousands of mutated workflow files into the validator: no unhandled exception, and every outcome
/// is either "valid" (what exit 0 means) or "invalid with well-formed FILE:LINE:COL messages" (exit 2).
/// Then every generated hostile shape (<see cref="HostileWorkflows"/>): the code it must get, a position, no stack
/// trace, and bounded time and memory; and mutations of the smaller hostile shapes.
/// </summary>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 5000;
    private const int HostileMutations = 500;

    /// <summary>What one hostile case may cost the validator (the issue's bound for the whole program is 20 s and 1 GB).</summary>
    private const double MaxSeconds = 10;
    private const long MaxAllocatedBytes = 512L * 1024 * 1024;

    private static readonly string[] Snippets =
        ["${{", "}}", ":", "- ", "{", "}", "[", "]", "\"", "'", "\n", "  ", "stages.", "params.", "matrix.", "loop.", "@", "&a ", "*a", "#", "uses: t.data", "repeat: 2", "until: x", "needs: [a]", "include: [{p: 1}]", "null", "-1", "1e309", "\t", "%", "!!",
         "&b [*a, *a, *a, *a]", "[[[[[[[[", "{a: {a: {a: ", "!!!!!!!!!!!!", "((((((((", "\0", "\uFEFF", "\uD800", "9223372036854775807", "repeat: 99999999999", "matrix: { x: [1,2,3,4,5,6,7,8,9,10] }"];

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

    public static TheoryData<string> HostileCases() => [.. HostileWorkflows.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(HostileCases))]
    public void HostileShape_GetsItsPositionedDiagnostic_InBoundedTimeAndMemory(string name)
    {
        var hostile = HostileWorkflows.All.Single(c => c.Name == name);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<Diagnostic> diagnostics;
        Model.WorkflowDefinition? workflow = null;
        // Files are read through WorkflowText (size, encoding), then validated.
        if (WorkflowText.TryDecode(hostile.Bytes, out var text, out var error))
        {
            (workflow, diagnostics) = WorkflowValidator.Load(text, TestActivities.Catalog);
        }
        else
        {
            diagnostics = [error!];
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"{name}: {hostile.Bytes.Length} bytes in, {seconds * 1000:F0} ms, {bytes / 1e6:F1} MB allocated, {diagnostics.Count} diagnostic(s); first: {(diagnostics.Count > 0 ? diagnostics[0].Format("f.yaml") : "none")}");
        if (hostile.Code.Length > 0)
        {
            Assert.Null(workflow);
            Assert.Contains(diagnostics, d => d.Code == hostile.Code && !d.IsWarning);
        }
        CheckWellFormed(workflow, diagnostics);
        Assert.True(seconds < MaxSeconds, $"{name} took {seconds:F1} s");
        Assert.True(bytes < MaxAllocatedBytes, $"{name} allocated {bytes / 1e6:F0} MB");
    }

    [Fact]
    public void MutatedHostileShapes_NeverThrow_AndStayBounded()
    {
        var seeds = HostileWorkflows.All.Where(c => c.Bytes.Length < 16 * 1024).Select(c => c.Text).ToList();
        var random = new Random(4242);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < HostileMutations; i++)
        {
            var text = Mutate(seeds[random.Next(seeds.Count)], random, 1 + random.Next(4));
            var started = clock.Elapsed;
            try
            {
                var (workflow, diagnostics) = WorkflowValidator.Load(text, TestActivities.Catalog);
                CheckWellFormed(workflow, diagnostics);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"hostile mutation {i} threw {e}\n--- input ---\n{text[..Math.Min(text.Length, 2000)]}");
            }
            Assert.True((clock.Elapsed - started).TotalSeconds < MaxSeconds, $"hostile mutation {i} took {(clock.Elapsed - started).TotalSeconds:F1} s");
        }
        output.WriteLine($"hostile fuzz: {HostileMutations} files from {seeds.Count} seeds, {clock.Elapsed.TotalSeconds:F1}s");
    }

    /// <summary>Invalid means at least one error; every message is compiler style, positioned, short and free of stack traces.</summary>
    private static void CheckWellFormed(Model.WorkflowDefinition? workflow, IReadOnlyList<Diagnostic> diagnostics)
    {
        if (workflow is null)
        {
            Assert.Contains(diagnostics, d => !d.IsWarning);
        }
        Assert.True(diagnostics.Count <= WorkflowLimits.MaxDiagnostics + 1, $"{diagnostics.Count} diagnostics");
        foreach (var d in diagnostics)
        {
            var line = d.Format("f.yaml");
            Assert.Matches(Line(), line);
            Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, $"bad position in {line}");
            Assert.True(d.Message.Length <= WorkflowLimits.MaxMessageLength + 1, $"a message of {d.Message.Length} characters");
            Assert.DoesNotContain("   at ", d.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", d.Message, StringComparison.Ordinal);
        }
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
