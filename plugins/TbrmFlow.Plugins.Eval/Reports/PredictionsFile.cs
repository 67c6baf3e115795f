using System.Globalization;
using System.Text.Json;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Eval.Reports;

/// <summary>Reads and checks a predictions file against its problems; every error names the file and line.</summary>
public static class PredictionsFile
{
    /// <summary>Reads <paramref name="file"/>: one JSON object per non-empty line.</summary>
    /// <exception cref="InvalidDataException">Missing file, malformed line, missing or mistyped field, duplicate id, empty file.</exception>
    public static IReadOnlyList<Prediction> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"{file}: file not found");
        }
        var list = new List<Prediction>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(file))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var prediction = ParseLine(file, lineNumber, line);
            if (seen.TryGetValue(prediction.Id, out var first))
            {
                throw new InvalidDataException($"{file}:{lineNumber}: duplicate id '{prediction.Id}' (first on line {first})");
            }
            seen[prediction.Id] = lineNumber;
            list.Add(prediction);
        }
        return list.Count > 0 ? list : throw new InvalidDataException($"{file}: no predictions (the file is empty)");
    }

    /// <summary>Pairs each problem with its prediction.</summary>
    /// <exception cref="InvalidDataException">A prediction whose id is not a problem (file:line), or a problem with no prediction.</exception>
    public static IReadOnlyList<(Problem Problem, Prediction Prediction)> Match(
        IReadOnlyList<Problem> problems, string problemsFile, IReadOnlyList<Prediction> predictions, string predictionsFile)
    {
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(predictions);
        if (problems.Count == 0)
        {
            throw new InvalidDataException($"{problemsFile}: no problems (the set is empty)");
        }
        var byId = new Dictionary<string, Problem>(StringComparer.Ordinal);
        foreach (var p in problems)
        {
            if (!byId.TryAdd(p.Id, p))
            {
                throw new InvalidDataException($"{problemsFile}: duplicate problem id '{p.Id}'");
            }
        }
        var unknown = predictions.FirstOrDefault(p => !byId.ContainsKey(p.Id));
        if (unknown is not null)
        {
            throw new InvalidDataException($"{predictionsFile}:{unknown.Line}: unknown id '{unknown.Id}' (not in {problemsFile})");
        }
        var predicted = predictions.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var missing = problems.Where(p => !predicted.ContainsKey(p.Id)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{predictionsFile}: {missing.Count} of {problems.Count} problems have no prediction (first: '{missing[0].Id}')");
        }
        return [.. problems.Select(p => (p, predicted[p.Id]))];
    }

    private static Prediction ParseLine(string file, int line, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}:{line}: malformed JSON: {JsonLines.Describe(e)}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            string Fail(string message) => throw new InvalidDataException($"{file}:{line}: {message}");
            if (root.ValueKind != JsonValueKind.Object)
            {
                Fail($"expected an object {{\"id\": ..., \"samples\": [...]}}, got {root.ValueKind.ToString().ToLowerInvariant()}");
            }
            var id = !root.TryGetProperty("id", out var idElement) ? Fail("missing field 'id'")
                : idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => Fail($"field 'id' must be a string or number, got {idElement.ValueKind.ToString().ToLowerInvariant()}"),
                };
            if (!root.TryGetProperty("samples", out var samplesElement))
            {
                Fail("missing field 'samples'");
            }
            if (samplesElement.ValueKind != JsonValueKind.Array || samplesElement.GetArrayLength() == 0
                || samplesElement.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                Fail("field 'samples' must be a non-empty array of strings");
            }
            var samples = samplesElement.EnumerateArray().Select(s => s.GetString()!).ToList();
            List<bool>? truncated = null;
            if (root.TryGetProperty("truncated", out var t))
            {
                if (t.ValueKind != JsonValueKind.Array || t.GetArrayLength() != samples.Count
                    || t.EnumerateArray().Any(x => x.ValueKind is not (JsonValueKind.True or JsonValueKind.False)))
                {
                    Fail(string.Create(CultureInfo.InvariantCulture, $"field 'truncated' must be an array of {samples.Count} booleans, one per sample"));
                }
                truncated = [.. t.EnumerateArray().Select(x => x.GetBoolean())];
            }
            return new Prediction(id, samples, truncated, line);
        }
    }
}
