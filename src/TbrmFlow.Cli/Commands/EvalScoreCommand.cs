using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Metrics;
using TbrmFlow.Plugins.Eval.Reports;
using TbrmFlow.Plugins.Eval.Rewards;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow eval score --problems P.jsonl --predictions S.jsonl [--k K] [--json]</c>: scores generations from any system.</summary>
public static class EvalScoreCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var problems = new Option<string>("--problems") { Description = "Problems: a PromptSet directory or a .jsonl file (id, question, answer).", Required = true };
        var predictions = new Option<string>("--predictions") { Description = "Predictions .jsonl: {\"id\": ..., \"samples\": [\"...\", ...]} per line.", Required = true };
        var k = new Option<int?>("--k") { Description = "Samples per problem for avg@k/pass@k/maj@k (default: the smallest sample count)." };
        var checker = new Option<string>("--checker") { Description = "Answer checker: math or exact.", DefaultValueFactory = _ => "math" };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout instead of a table." };
        var command = new Command("score", "Score predictions against problems: avg@k, pass@k, maj@k with bootstrap 95% intervals.")
        {
            problems, predictions, k, checker, seed, json,
        };
        command.SetAction(parse => Run(
            parse.GetValue(problems)!, parse.GetValue(predictions)!, parse.GetValue(k), parse.GetValue(checker)!, parse.GetValue(seed), parse.GetValue(json)));
        return command;
    }

    private static int Run(string problemsPath, string predictionsPath, int? k, string checker, int seed, bool json)
    {
        EvalSummary summary;
        try
        {
            if (checker is not ("math" or "exact"))
            {
                throw new InvalidDataException($"--checker must be one of: math, exact (got '{checker}')");
            }
            var problems = PromptSetFiles.Read(problemsPath);
            var problemsFile = Directory.Exists(problemsPath) ? Path.Combine(problemsPath, PromptSetFiles.ProblemsFile) : problemsPath;
            var pairs = PredictionsFile.Match(problems, problemsFile, PredictionsFile.Read(predictionsPath), predictionsPath);
            var minSamples = pairs.Min(p => p.Prediction.Samples.Count);
            var useK = k ?? minSamples;
            if (useK < 1 || useK > minSamples)
            {
                var shortest = pairs.First(p => p.Prediction.Samples.Count == minSamples).Prediction;
                throw new InvalidDataException(useK < 1
                    ? $"--k must be at least 1 (got {useK})"
                    : $"{predictionsPath}:{shortest.Line}: id '{shortest.Id}' has {minSamples} samples, fewer than --k {useK}");
            }
            var scorer = new EvalScorer(RewardFunctions.Get(checker));
            var scored = pairs.Select(p => new ProblemSamples(p.Problem.Id, p.Problem.Answer, [.. p.Prediction.Samples.Select((s, i) =>
                scorer.Score(p.Problem, s, truncated: p.Prediction.Truncated?[i] ?? false))])).ToList();
            summary = EvalMetrics.Summarize(scored, useK, "characters", seed);
        }
        catch (InvalidDataException e)
        {
            Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return ExitCodes.BadInput;
        }
        if (json)
        {
            var doc = new { summary, metrics = summary.ToMetrics() };
            Terminal.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(doc, JsonLines.Options));
        }
        else
        {
            Write(summary);
        }
        return ExitCodes.Ok;
    }

    private static void Write(EvalSummary s)
    {
        var k = s.K.ToString(CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("95% CI (bootstrap over problems)").RightAligned());
        foreach (var (name, m) in new[] { ($"avg@{k}", s.AvgAtK), ($"pass@{k}", s.PassAtK), ($"maj@{k}", s.MajAtK) })
        {
            table.AddRow(name, F(m.Value), $"[[{F(m.CiLow)}, {F(m.CiHigh)}]]");
        }
        table.AddRow($"response length ({s.LengthUnit})", s.MeanResponseLength.ToString("F1", CultureInfo.InvariantCulture), string.Empty);
        table.AddRow("truncation rate", F(s.TruncationRate), string.Empty);
        Terminal.Out.MarkupLineInterpolated($"{s.Problems} problems, k = {s.K}, bootstrap seed {s.BootstrapSeed} ({s.BootstrapResamples} resamples)");
        Terminal.Out.Write(table);
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
