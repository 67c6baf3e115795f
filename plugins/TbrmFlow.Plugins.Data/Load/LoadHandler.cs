using System.Globalization;
using System.Text.RegularExpressions;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Load;

/// <summary>Read, map, extract, de-duplicate, filter, sample, split, write two PromptSets.</summary>
public sealed partial class LoadHandler(IActivityContextAccessor context) : IRequestHandler<LoadRequest, LoadResult>
{
    private static readonly string[] ProblemFields = ["id", "question", "answer", "solution", "source"];

    /// <inheritdoc />
    public async ValueTask<LoadResult> Handle(LoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ctx = context.Current;
        var path = request.Path.StartsWith("file://", StringComparison.Ordinal) ? new Uri(request.Path).LocalPath : request.Path;
        var unknown = request.Fields.Keys.FirstOrDefault(k => !ProblemFields.Contains(k));
        if (unknown is not null)
        {
            throw new ArgumentException($"fields: unknown problem field '{unknown}'; valid: {string.Join(", ", ProblemFields)}");
        }
        if (request.TestRatio is < 0 or > 1 || request.Sample < 0)
        {
            throw new ArgumentException($"test_ratio must be in [0, 1] and sample >= 0 (got {request.TestRatio} and {request.Sample})");
        }
        var rows = await RecordSource.ReadAsync(path, request.Format, cancellationToken);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no rows (the file is empty)");
        }
        string Column(string field) => request.Fields.TryGetValue(field, out var c) ? c : field;
        var (seen, duplicates, filtered) = (new HashSet<string>(StringComparer.Ordinal), 0, 0);
        var problems = new List<Problem>();
        var prefix = System.IO.Path.GetFileNameWithoutExtension(path);
        for (var i = 0; i < rows.Count; i++)
        {
            var (where, row) = rows[i];
            string Required(string field) => row.TryGetValue(Column(field), out var v) && !string.IsNullOrWhiteSpace(v) ? v
                : throw new InvalidDataException($"{where}: missing field '{Column(field)}'" + (Column(field) == field ? string.Empty : $" (mapped to {field})"));
            string? Optional(string field) => row.TryGetValue(Column(field), out var v) ? v : null;
            var question = Required("question");
            var rawAnswer = Required("answer");
            var (answer, solution) = request.AnswerFrom switch
            {
                SolutionAnswer.Hash => HashAnswer(rawAnswer),
                SolutionAnswer.Boxed => (Eval.Answers.AnswerExtractor.LastBoxed(rawAnswer)?.Trim(), rawAnswer),
                _ => (rawAnswer.Trim(), Optional("solution")),
            };
            var source = Optional("source");
            if (string.IsNullOrEmpty(answer)
                || (request.MaxQuestionChars > 0 && question.Length > request.MaxQuestionChars)
                || (request.MaxAnswerChars > 0 && answer.Length > request.MaxAnswerChars)
                || (request.Sources.Count > 0 && (source is null || !request.Sources.Contains(source))))
            {
                filtered++;
                continue;
            }
            if (request.Deduplicate && !seen.Add(NormalizeQuestion(question)))
            {
                duplicates++;
                continue;
            }
            problems.Add(new Problem
            {
                Id = Optional("id") ?? string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}"),
                Question = question,
                Answer = answer,
                Solution = request.AnswerFrom == SolutionAnswer.None ? Optional("solution") : solution,
                Source = source,
            });
        }
        var random = new Random(request.Seed);
        if (request.Sample > 0 && request.Sample < problems.Count)
        {
            // Partial Fisher-Yates, then back to file order so the sample reads like the source.
            var order = Enumerable.Range(0, problems.Count).ToArray();
            random.Shuffle(order);
            problems = [.. order.Take(request.Sample).Order().Select(j => problems[j])];
        }
        var testCount = (int)Math.Round(problems.Count * request.TestRatio, MidpointRounding.AwayFromZero);
        var shuffled = Enumerable.Range(0, problems.Count).ToArray();
        random.Shuffle(shuffled);
        var testIds = shuffled.Take(testCount).ToHashSet();
        var origin = $"data.load {path} answer_from={request.AnswerFrom} seed={request.Seed}";
        var train = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Where((_, j) => !testIds.Contains(j)), origin + " split=train", cancellationToken);
        var test = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems.Where((_, j) => testIds.Contains(j)), origin + " split=test", cancellationToken);
        ctx.LogMetrics(0, new Dictionary<string, double>
        {
            ["data/rows"] = rows.Count,
            ["data/duplicates"] = duplicates,
            ["data/filtered"] = filtered,
            ["data/train_size"] = problems.Count - testCount,
            ["data/test_size"] = testCount,
        });
        ctx.Log($"{path}: {rows.Count} rows, {duplicates} duplicates, {filtered} filtered, {problems.Count - testCount} train, {testCount} test");
        return new LoadResult { Train = train, Test = test, Rows = rows.Count, Duplicates = duplicates, Filtered = filtered };
    }

    /// <summary>Lower case, whitespace runs collapsed to one space, trimmed: the key for de-duplication.</summary>
    public static string NormalizeQuestion(string question) =>
        WhitespaceRegex().Replace(question.Trim(), " ").ToLowerInvariant();

    private static (string? Answer, string? Solution) HashAnswer(string text)
    {
        var at = text.LastIndexOf("####", StringComparison.Ordinal);
        return at < 0 ? (null, text) : (text[(at + 4)..].Trim().Replace(",", string.Empty, StringComparison.Ordinal), text[..at].TrimEnd());
    }

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceRegex();
}
