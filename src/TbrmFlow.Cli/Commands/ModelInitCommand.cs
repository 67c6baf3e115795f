using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;

namespace TbrmFlow.Cli.Commands;

/// <summary><c>tbrmflow model init --preset NAME|--config FILE [--family F] [--tokenizer SPEC] --out DIR [--seed N]</c></summary>
public static class ModelInitCommand
{
    /// <summary>Printable ASCII: the default character vocabulary.</summary>
    public const string DefaultAlphabet = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var preset = new Option<string?>("--preset") { Description = $"Model size: {string.Join(", ", ModelPresets.Names)}." };
        var config = new Option<string?>("--config") { Description = "A Hugging Face config.json instead of a preset." };
        var family = new Option<string>("--family") { Description = "With --preset: gpt2 or qwen2.", DefaultValueFactory = _ => "gpt2" };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "char (printable ASCII), char:ALPHABET, gpt2 (GPT-2 BPE), or a directory with a Hugging Face tokenizer.json.",
            DefaultValueFactory = _ => "char",
        };
        var maxPositions = new Option<int>("--max-positions") { Description = "With --preset: longest prompt + response.", DefaultValueFactory = _ => 128 };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16 (weights as saved).", DefaultValueFactory = _ => "float32" };
        var output = new Option<string>("--out") { Description = "The checkpoint directory to write.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Initialisation seed.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print a JSON document instead of a table." };
        var command = new Command("init", "Write a freshly initialised checkpoint.") { preset, config, family, tokenizer, maxPositions, dtype, output, seed, json };
        command.SetAction(parse => ModelCliSupport.Guard(() => Run(
            parse.GetValue(preset), parse.GetValue(config), parse.GetValue(family)!, parse.GetValue(tokenizer)!,
            parse.GetValue(maxPositions), parse.GetValue(dtype)!, parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(json))));
        return command;
    }

    private static int Run(string? preset, string? configPath, string family, string tokenizerSpec, int maxPositions, string dtype, string output, long seed, bool json)
    {
        if ((preset is null) == (configPath is null))
        {
            throw new ArgumentException("give exactly one of --preset NAME or --config config.json");
        }
        var tokenizer = ParseTokenizer(tokenizerSpec);
        ModelConfig config;
        if (preset is not null)
        {
            config = ModelPresets.Create(preset, tokenizer.VocabSize, family, maxPositions);
        }
        else
        {
            if (!File.Exists(configPath))
            {
                throw new FileNotFoundException($"config file not found: {configPath}");
            }
            config = ModelConfig.Load(configPath!);
            if (config.VocabSize < tokenizer.VocabSize)
            {
                throw new ArgumentException($"{configPath}: vocab_size {config.VocabSize} is smaller than the tokenizer's {tokenizer.VocabSize} ids");
            }
        }
        using var model = ModelFactory.Create(config, seed, dtype: ModelDType.Parse(dtype));
        ModelCheckpoint.Save(output, model, tokenizer, new TrainingState { Producer = "model init", Lineage = [$"init seed={seed}"] });
        (tokenizer as IDisposable)?.Dispose();
        if (json)
        {
            ModelCliSupport.WriteJson(new JsonObject
            {
                ["checkpoint"] = Path.GetFullPath(output),
                ["model_type"] = config.ModelType,
                ["parameters"] = model.ParameterCount,
                ["vocab_size"] = config.VocabSize,
            });
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("checkpoint", "model", "parameters", "tokenizer");
        table.AddRow(Markup.Escape(output), Markup.Escape(config.Describe()), model.ParameterCount.ToString("N0"), Markup.Escape(tokenizer.ToString() ?? ""));
        Terminal.Out.Write(table);
        return ExitCodes.Ok;
    }

    private static ITokenizer ParseTokenizer(string spec) => spec switch
    {
        "char" => new CharTokenizer(DefaultAlphabet),
        "gpt2" => new Gpt2BpeTokenizer(),
        _ when spec.StartsWith("char:", StringComparison.Ordinal) && spec.Length > 5 => new CharTokenizer(spec[5..]),
        _ when Directory.Exists(spec) => TokenizerFiles.Load(spec),
        _ => throw new ArgumentException($"--tokenizer '{spec}' is not one of: char, char:ALPHABET, gpt2, or an existing directory with tokenizer.json"),
    };
}
