using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// The architecture of a decoder-only model, read from and written to a Hugging Face
/// <c>config.json</c>. Field names follow Hugging Face's generic names; GPT-2's own names
/// (<c>n_embd</c>, <c>n_layer</c>, <c>n_head</c>, <c>n_positions</c>, <c>n_inner</c>,
/// <c>layer_norm_epsilon</c>) are read as fallbacks and written too, so that
/// <c>transformers</c> reads our files.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Model family: <c>gpt2</c> or <c>qwen2</c>.</summary>
    public required string ModelType { get; init; }

    /// <summary>Vocabulary size V (rows of the embedding and of the LM head).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Model width D.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Number of transformer blocks.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Number of query heads; D must be a multiple of it.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Number of key/value heads (grouped-query attention); equals the query heads for GPT-2.</summary>
    public int NumKeyValueHeads { get; init; }

    /// <summary>Hidden width of the MLP (GPT-2: 4 D when unset).</summary>
    public int IntermediateSize { get; init; }

    /// <summary>Longest sequence (prompt + response) the model accepts; GPT-2's learned position table has this many rows.</summary>
    public int MaxPositionEmbeddings { get; init; } = 128;

    /// <summary>Base of the rotary embedding frequencies (qwen2).</summary>
    public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Epsilon of RMSNorm (qwen2).</summary>
    public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Epsilon of LayerNorm (gpt2).</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Whether the LM head shares the token embedding matrix.</summary>
    public bool TieWordEmbeddings { get; init; } = true;

    /// <summary>Beginning-of-sequence token id, if the tokenizer has one.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>End-of-sequence token id.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>Padding token id.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>Weight dtype as Hugging Face names it: <c>float32</c> or <c>bfloat16</c>.</summary>
    public string TorchDtype { get; init; } = "float32";

    /// <summary>Key/value heads actually used (the query heads when unset).</summary>
    public int KeyValueHeads => NumKeyValueHeads > 0 ? NumKeyValueHeads : NumAttentionHeads;

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>MLP width actually used.</summary>
    public int MlpWidth => IntermediateSize > 0 ? IntermediateSize : 4 * HiddenSize;

    /// <summary>The families this code implements.</summary>
    public static IReadOnlyList<string> KnownModelTypes { get; } = ["gpt2", "qwen2"];

    /// <summary>Checks the numbers fit together.</summary>
    /// <exception cref="InvalidDataException">Naming the field and the allowed values.</exception>
    public void Validate()
    {
        if (!KnownModelTypes.Contains(ModelType))
        {
            throw new InvalidDataException($"model_type '{ModelType}' is not one of: {string.Join(", ", KnownModelTypes)}");
        }
        Require(VocabSize > 0, "vocab_size must be > 0");
        Require(HiddenSize > 0 && NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0,
            $"hidden_size ({HiddenSize}) must be a positive multiple of num_attention_heads ({NumAttentionHeads})");
        Require(NumHiddenLayers > 0, "num_hidden_layers must be > 0");
        Require(NumAttentionHeads % KeyValueHeads == 0,
            $"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({KeyValueHeads})");
        Require(ModelType != "gpt2" || KeyValueHeads == NumAttentionHeads, "gpt2 has no grouped-query attention: num_key_value_heads must equal num_attention_heads");
        Require(ModelType != "qwen2" || HeadDim % 2 == 0, "qwen2 needs an even head dimension for rotary embeddings");
        Require(MaxPositionEmbeddings > 0, "max_position_embeddings must be > 0");
        Require(TorchDtype is "float32" or "bfloat16", $"torch_dtype '{TorchDtype}' is not one of: float32, bfloat16");
    }

    private static void Require(bool ok, string message)
    {
        if (!ok)
        {
            throw new InvalidDataException(message);
        }
    }

    /// <summary>Reads a <c>config.json</c>.</summary>
    /// <exception cref="InvalidDataException">When a required field is missing or the values do not fit.</exception>
    public static ModelConfig Load(string path)
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {JsonLines.Describe(e)}", e);
        }
        try
        {
            return FromJson(o);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Builds a config from a parsed <c>config.json</c> object.</summary>
    public static ModelConfig FromJson(JsonObject o)
    {
        var type = Str(o, "model_type") ?? throw new InvalidDataException("model_type is missing");
        var heads = Int(o, "num_attention_heads", "n_head") ?? throw new InvalidDataException("num_attention_heads is missing");
        var config = new ModelConfig
        {
            ModelType = type,
            VocabSize = Int(o, "vocab_size") ?? throw new InvalidDataException("vocab_size is missing"),
            HiddenSize = Int(o, "hidden_size", "n_embd") ?? throw new InvalidDataException("hidden_size is missing"),
            NumHiddenLayers = Int(o, "num_hidden_layers", "n_layer") ?? throw new InvalidDataException("num_hidden_layers is missing"),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(o, "num_key_value_heads") ?? heads,
            IntermediateSize = Int(o, "intermediate_size", "n_inner") ?? 0,
            MaxPositionEmbeddings = Int(o, "max_position_embeddings", "n_positions") ?? 128,
            RopeTheta = Dbl(o, "rope_theta") ?? 10000.0,
            RmsNormEps = Dbl(o, "rms_norm_eps") ?? 1e-6,
            LayerNormEpsilon = Dbl(o, "layer_norm_epsilon") ?? 1e-5,
            TieWordEmbeddings = o["tie_word_embeddings"]?.GetValue<bool>() ?? true,
            BosTokenId = FirstInt(o["bos_token_id"]),
            EosTokenId = FirstInt(o["eos_token_id"]),
            PadTokenId = FirstInt(o["pad_token_id"]),
            TorchDtype = Str(o, "torch_dtype") ?? Str(o, "dtype") ?? "float32",
        };
        config.Validate();
        return config;
    }

    /// <summary>Writes <c>config.json</c> with the generic names plus the family's own ones.</summary>
    public void Save(string path) =>
        File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The <c>config.json</c> object.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(ModelType == "gpt2" ? "GPT2LMHeadModel" : "Qwen2ForCausalLM"),
            ["model_type"] = ModelType,
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = KeyValueHeads,
            ["intermediate_size"] = MlpWidth,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["pad_token_id"] = PadTokenId,
            ["torch_dtype"] = TorchDtype,
        };
        if (ModelType == "gpt2")
        {
            o["n_embd"] = HiddenSize;
            o["n_layer"] = NumHiddenLayers;
            o["n_head"] = NumAttentionHeads;
            o["n_positions"] = MaxPositionEmbeddings;
            o["n_inner"] = MlpWidth;
            o["layer_norm_epsilon"] = LayerNormEpsilon;
            o["activation_function"] = "gelu_new";
        }
        else
        {
            o["rope_theta"] = RopeTheta;
            o["rms_norm_eps"] = RmsNormEps;
            o["hidden_act"] = "silu";
        }
        return o;
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, params string[] keys)
    {
        foreach (var k in keys)
        {
            if (o[k] is JsonValue v && v.TryGetValue<double>(out var d))
            {
                return (int)d;
            }
        }
        return null;
    }

    private static double? Dbl(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;

    // Qwen2.5 configs sometimes hold a list of EOS ids; the first is the one we stop on.
    private static int? FirstInt(JsonNode? node) => node switch
    {
        JsonArray a when a.Count > 0 => FirstInt(a[0]),
        JsonValue v when v.TryGetValue<double>(out var d) => (int)d,
        _ => null,
    };

    /// <summary>A short description: family, width, depth, heads.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{ModelType} d={HiddenSize} layers={NumHiddenLayers} heads={NumAttentionHeads}/{KeyValueHeads} mlp={MlpWidth} vocab={VocabSize} ctx={MaxPositionEmbeddings}");
}
