using System.Text;
using System.Text.Json;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Metrics;

namespace TbrmFlow.Plugins.Eval.Reports;

/// <summary>
/// The EvalReport format: a directory with <c>summary.json</c> (an <see cref="EvalSummary"/>) and
/// <c>samples.jsonl</c> (one <see cref="ProblemReport"/> per problem, snake_case keys).
/// </summary>
public static class EvalReportFiles
{
    /// <summary>The summary file.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>The per-problem file.</summary>
    public const string SamplesFile = "samples.jsonl";

    private static readonly JsonSerializerOptions Indented = new(JsonLines.Options) { WriteIndented = true };

    /// <summary>Writes both files into <paramref name="directory"/>.</summary>
    public static void Write(string directory, EvalSummary summary, IReadOnlyList<ProblemSamples> problems)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(problems);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, SummaryFile), JsonSerializer.Serialize(summary, Indented));
        using var writer = new StreamWriter(Path.Combine(directory, SamplesFile), append: false, new UTF8Encoding(false));
        foreach (var p in problems)
        {
            var line = new ProblemReport
            {
                Id = p.Id,
                Reference = p.Reference,
                AvgAtK = EvalMetrics.AvgAtK(p.Samples, summary.K),
                PassAtK = EvalMetrics.PassAtK(p.Samples, summary.K),
                MajAtK = EvalMetrics.MajAtK(p.Samples, summary.K),
                Samples = p.Samples,
            };
            writer.Write(JsonSerializer.Serialize(line, JsonLines.Options));
            writer.Write('\n');
        }
    }

    /// <summary>Reads <c>summary.json</c> of a report directory.</summary>
    public static EvalSummary ReadSummary(string directory) =>
        JsonSerializer.Deserialize<EvalSummary>(File.ReadAllText(Path.Combine(directory, SummaryFile)), JsonLines.Options)
        ?? throw new InvalidDataException($"{Path.Combine(directory, SummaryFile)}: empty summary");

    /// <summary>Reads <c>samples.jsonl</c> of a report directory.</summary>
    public static IReadOnlyList<ProblemReport> ReadSamples(string directory) =>
        JsonLines.Read<ProblemReport>(Path.Combine(directory, SamplesFile));
}
