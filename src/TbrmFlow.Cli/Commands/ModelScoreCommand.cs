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
        var results = new JsonArray();
        var table = new Table().AddColumns("line", "response", "log-probs", "sum");
        for (var start = 0; start < pairs.Count; start += BatchSize)
        {
            var chunk = pairs.Skip(start).Take(BatchSize).ToList();
            foreach (var (line, prompt, response) in chunk)
            {
                Encode(tokenizer, inputPath, line, prompt, response);
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var batch = Batching.FromText(tokenizer, [.. chunk.Select(p => p.Prompt)], [.. chunk.Select(p => p.Response)], appendEos);
            var total = batch.PromptLength + batch.ResponseLength;
            if (total > checkpoint.Model.Config.MaxPositionEmbeddings)
            {
                throw new ArgumentException($"{inputPath}: prompt + response ({total} tokens) exceed max_position_embeddings ({checkpoint.Model.Config.MaxPositionEmbeddings})");
            }
            var lp = Scorer.TokenLogProbs(checkpoint.Model, batch, temperature);
            var host = lp.data<float>().ToArray();
            var width = (int)batch.ResponseLength;
            var lengths = batch.ResponseMask.sum(1).to(ScalarType.Int64).data<long>().ToArray();
            for (var i = 0; i < chunk.Count; i++)
            {
                var values = host.Skip(i * width).Take((int)lengths[i]).ToArray();
                var sum = values.Sum();
                results.Add(new JsonObject
                {
                    ["line"] = chunk[i].Line,
                    ["prompt"] = chunk[i].Prompt,
                    ["response"] = chunk[i].Response,
                    ["logprobs"] = new JsonArray([.. values.Select(v => (JsonNode)v)]),
                    ["sum"] = sum,
                });
                table.AddRow(chunk[i].Line.ToString(), Markup.Escape(chunk[i].Response),
                    string.Join(" ", values.Select(v => v.ToString("F3"))), sum.ToString("F3"));
            }
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

    private static void Encode(Torch.Tokenization.ITokenizer tokenizer, string path, int line, string prompt, string response)
    {
        try
        {
            if (tokenizer.Encode(prompt).Length == 0 && tokenizer.BosId is null)
            {
                throw new ArgumentException("the prompt is empty");
            }
            tokenizer.Encode(response);
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
