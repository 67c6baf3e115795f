using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow model generate --checkpoint DIR --prompt TEXT [--n N] [--temperature T] [--seed S]</c></summary>
public static class ModelGenerateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint directory.", Required = true };
        var prompt = new Option<string[]>("--prompt") { Description = "Prompt text (repeatable).", Required = true };
        var n = new Option<int>("--n") { Description = "Samples per prompt.", DefaultValueFactory = _ => 1 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature; 0 = greedy.", DefaultValueFactory = _ => 1.0 };
        var topK = new Option<int>("--top-k") { Description = "Keep the k most likely tokens (0 = off).", DefaultValueFactory = _ => 0 };
        var topP = new Option<double>("--top-p") { Description = "Nucleus sampling mass (1 = off).", DefaultValueFactory = _ => 1.0 };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Most tokens per response.", DefaultValueFactory = _ => 32 };
        var seed = new Option<long>("--seed") { Description = "Sampling seed (same seed, same output on CPU).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print a JSON document instead of a table." };
        var command = new Command("generate", "Sample responses from a checkpoint.") { checkpoint, prompt, n, temperature, topK, topP, maxNew, seed, json };
        command.SetAction(parse => ModelCliSupport.Guard(() => Run(
            parse.GetValue(checkpoint)!, parse.GetValue(prompt)!, new GenerationOptions
            {
                NumSamples = parse.GetValue(n),
                Greedy = parse.GetValue(temperature) == 0,
                Temperature = parse.GetValue(temperature) == 0 ? 1.0 : parse.GetValue(temperature),
                TopK = parse.GetValue(topK),
                TopP = parse.GetValue(topP),
                MaxNewTokens = parse.GetValue(maxNew),
                Seed = parse.GetValue(seed),
            }, parse.GetValue(json))));
        return command;
    }

    private static int Run(string checkpointDir, string[] prompts, GenerationOptions options, bool json)
    {
        options.Validate();
        using var checkpoint = ModelCliSupport.LoadCheckpoint(checkpointDir);
        using var result = TextGenerator.Generate(checkpoint.Model, checkpoint.Tokenizer, prompts, options);
        using var scope = NewDisposeScope();
        var sums = result.LogProbs.sum(1).data<float>().ToArray();
        if (json)
        {
            var samples = new JsonArray();
            for (var i = 0; i < result.Texts.Length; i++)
            {
                samples.Add(new JsonObject
                {
                    ["prompt"] = prompts[result.PromptIndex[i]],
                    ["response"] = result.Texts[i],
                    ["finish_reason"] = result.FinishReasons[i] == FinishReason.Eos ? "eos" : "length",
                    ["tokens"] = result.Lengths[i],
                    ["logprob_sum"] = sums[i],
                });
            }
            ModelCliSupport.WriteJson(new JsonObject { ["samples"] = samples });
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("prompt", "response", "finish", "tokens", "log-prob");
        for (var i = 0; i < result.Texts.Length; i++)
        {
            table.AddRow(Markup.Escape(prompts[result.PromptIndex[i]]), Markup.Escape(result.Texts[i]),
                result.FinishReasons[i] == FinishReason.Eos ? "eos" : "length", result.Lengths[i].ToString(), sums[i].ToString("F3"));
        }
        Terminal.Out.Write(table);
        return ExitCodes.Ok;
    }
}
