using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow model score --checkpoint DIR --input FILE.jsonl [--json]</c>: per-token log-probs of responses.</summary>
public static class ModelScoreCommand
{
    private const int BatchSize = 32;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint directory.", Required = true };
        var input = new Option<string>("--input") { Description = "JSONL, one {\"prompt\": ..., \"response\": ...} per line.", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "Divide logits by this before log_softmax.", DefaultValueFactory = _ => 1.0 };
        var noEos = new Option<bool>("--no-eos") { Description = "Do not append EOS to each response (by default it is scored too)." };
        var json = new Option<bool>("--json") { Description = "Print a JSON document instead of a table." };
        var command = new Command("score", "Per-token log-probabilities of given responses and their sum.") { checkpoint, input, temperature, noEos, json };
        command.SetAction(parse => ModelCliSupport.Guard(() => Run(
            parse.GetValue(checkpoint)!, parse.GetValue(input)!, parse.GetValue(temperature), !parse.GetValue(noEos), parse.GetValue(json))));
        return command;
    }

    private static int Run(string checkpointDir, string inputPath, double temperature, bool appendEos, bool json)
    {
        if (!(temperature > 0))
        {
            throw new ArgumentException($"--temperature must be > 0, got {temperature}");
        }
        var pairs = ReadPairs(inputPath);
        using var checkpoint = ModelCliSupport.LoadCheckpoint(checkpointDir);
        var tokenizer = checkpoint.Tokenizer;
        var maxPositions = checkpoint.Model.Config.MaxPositionEmbeddings;
        // Each pair is checked against the context by its own length (prompt + response [+ EOS]); batches are then
        // formed from pairs of similar lengths, so that padding neither wastes compute nor makes a batch "too long"
        // (positions come from the attention mask, so padding never uses a position).
        var encoded = pairs.Select(p => Encode(tokenizer, inputPath, p.Line, p.Prompt, p.Response, appendEos)).ToList();
        for (var i = 0; i < pairs.Count; i++)
        {
            var length = encoded[i].Prompt.Length + encoded[i].Response.Length;
            if (length > maxPositions)
            {
                throw new ArgumentException($"{inputPath}:{pairs[i].Line}: prompt + response ({length} tokens) exceed max_position_embeddings ({maxPositions})");
            }
        }
        var order = Enumerable.Range(0, pairs.Count)
            .OrderBy(i => encoded[i].Prompt.Length + encoded[i].Response.Length).ThenBy(i => encoded[i].Prompt.Length).ThenBy(i => i).ToList();
        var scored = new float[pairs.Count][];
        for (var start = 0; start < order.Count; start += BatchSize)
        {
            var rows = order.Skip(start).Take(BatchSize).ToList();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (pt, pm) = Batching.LeftPad([.. rows.Select(i => encoded[i].Prompt)], tokenizer.PadId);
            var (rt, rm) = Batching.RightPad([.. rows.Select(i => encoded[i].Response)], tokenizer.PadId);
            using var batch = Batching.Join(pt, pm, rt, rm);
            var lp = Scorer.TokenLogProbs(checkpoint.Model, batch, temperature);
            var host = lp.data<float>().ToArray();
            var width = (int)batch.ResponseLength;
            for (var r = 0; r < rows.Count; r++)
            {
                scored[rows[r]] = host.Skip(r * width).Take(encoded[rows[r]].Response.Length).ToArray();
            }
        }
        var results = new JsonArray();
        var table = new Table().AddColumns("line", "response", "log-probs", "sum");
        for (var i = 0; i < pairs.Count; i++)
        {
            var values = scored[i];
            var sum = values.Sum();
            results.Add(new JsonObject
            {
                ["line"] = pairs[i].Line,
                ["prompt"] = pairs[i].Prompt,
                ["response"] = pairs[i].Response,
                ["logprobs"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
                ["sum"] = sum,
            });
            table.AddRow(pairs[i].Line.ToString(), Markup.Escape(pairs[i].Response),
                string.Join(" ", values.Select(v => v.ToString("F3"))), sum.ToString("F3"));
        }
        if (json)
        {
            ModelCliSupport.WriteJson(new JsonObject { ["results"] = results });
        }
        else
        {
            Terminal.Out.Write(table);
        }
        return ExitCodes.Ok;
    }

    // The ids of one pair as they are scored: BOS (if any) + prompt, response (+ EOS).
    private static (int[] Prompt, int[] Response) Encode(Torch.Tokenization.ITokenizer tokenizer, string path, int line, string prompt, string response, bool appendEos)
    {
        try
        {
            var promptIds = Batching.PromptIds(tokenizer, prompt);
            if (promptIds.Length == 0)
            {
                throw new ArgumentException("the prompt is empty");
            }
            var responseIds = tokenizer.Encode(response);
            return (promptIds, appendEos ? [.. responseIds, tokenizer.EosId] : responseIds);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{path}:{line}: {e.Message}", e);
        }
    }

    private static List<(int Line, string Prompt, string Response)> ReadPairs(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"input file not found: {path}");
        }
        var pairs = new List<(int, string, string)>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            try
            {
                var o = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("not a JSON object");
                var prompt = o["prompt"] is JsonValue p && p.TryGetValue<string>(out var ps) ? ps : throw new InvalidDataException("\"prompt\" (a string) is missing");
                var response = o["response"] is JsonValue r && r.TryGetValue<string>(out var rs) ? rs : throw new InvalidDataException("\"response\" (a string) is missing");
                pairs.Add((number, prompt, response));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                throw new InvalidDataException($"{path}:{number}: {(e is JsonException ? "malformed JSON: " : "")}{e.Message}", e);
            }
        }
        if (pairs.Count == 0)
        {
            throw new InvalidDataException($"{path}: no prompt/response lines");
        }
        return pairs;
    }
}
