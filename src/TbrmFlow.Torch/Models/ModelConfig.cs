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
/// <c>transformers</c> reads our files. Families: <c>gpt2</c>, <c>qwen2</c> and <c>llama</c> (the qwen2 code
/// without q/k/v biases unless <c>attention_bias</c>). docs/models.md lists every key read, its default and the
/// refused values.
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

    /// <summary>
    /// The MLP activation (<c>activation_function</c> for gpt2, <c>hidden_act</c> for qwen2/llama); null = the
    /// family's default (<c>gelu_new</c> for gpt2, <c>silu</c> otherwise). See <see cref="Activations.Names"/>.
    /// </summary>
    public string? HiddenAct { get; init; }

    /// <summary>Explicit <c>head_dim</c> (qwen2/llama); null = hidden_size / num_attention_heads.</summary>
    public int? HeadDimOverride { get; init; }

    /// <summary><c>rope_scaling</c> (qwen2/llama); null = none.</summary>
    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Biases on q/k/v projections: always for qwen2, <c>attention_bias</c> for llama (default false).</summary>
    public bool? AttentionBias { get; init; }

    /// <summary>Key/value heads actually used (the query heads when unset).</summary>
    public int KeyValueHeads => NumKeyValueHeads > 0 ? NumKeyValueHeads : NumAttentionHeads;

    /// <summary>Width of one attention head: <c>head_dim</c> when given, else hidden_size / num_attention_heads.</summary>
    public int HeadDim => HeadDimOverride ?? HiddenSize / NumAttentionHeads;

    /// <summary>The activation actually used (<see cref="HiddenAct"/> or the family default).</summary>
    public string Activation => HiddenAct ?? DefaultActivation(ModelType);

    /// <summary>Whether q/k/v projections have biases (qwen2: yes; llama: <c>attention_bias</c>).</summary>
    public bool QkvBias => AttentionBias ?? ModelType == "qwen2";

    /// <summary>MLP width actually used.</summary>
    public int MlpWidth => IntermediateSize > 0 ? IntermediateSize : 4 * HiddenSize;

    /// <summary>The families this code implements.</summary>
    public static IReadOnlyList<string> KnownModelTypes { get; } = ["gpt2", "qwen2", "llama"];

    private static string DefaultActivation(string modelType) => modelType == "gpt2" ? "gelu_new" : "silu";

    /// <summary>Checks the numbers fit together.</summary>
    /// <exception cref="InvalidDataException">Naming the field and the allowed values.</exception>
    public void Validate()
    {
        if (!KnownModelTypes.Contains(ModelType))
        {
            throw new InvalidDataException($"model_type '{ModelType}' is not one of: {string.Join(", ", KnownModelTypes)}");
        }
        Require(VocabSize > 0, "vocab_size must be > 0");
        Require(HiddenSize > 0 && NumAttentionHeads > 0, "hidden_size and num_attention_heads must be > 0");
        Require(HeadDimOverride is not null || HiddenSize % NumAttentionHeads == 0,
            $"hidden_size ({HiddenSize}) must be a positive multiple of num_attention_heads ({NumAttentionHeads}) unless head_dim is given");
        Require(HeadDimOverride is null || (HeadDimOverride > 0 && ModelType != "gpt2"), "head_dim must be > 0 and is read for qwen2 and llama only");
        Require(Activations.Names.Contains(Activation),
            $"{(ModelType == "gpt2" ? "activation_function" : "hidden_act")} '{Activation}' is not one of: {string.Join(", ", Activations.Names)}");
        Require(RopeScaling is null || ModelType != "gpt2", "rope_scaling is read for qwen2 and llama only (gpt2 has learned positions)");
        RopeScaling?.Validate();
        Require(AttentionBias is null || ModelType == "llama", "attention_bias is read for llama only (qwen2 always has q/k/v biases)");
        Require(NumHiddenLayers > 0, "num_hidden_layers must be > 0");
        Require(NumAttentionHeads % KeyValueHeads == 0,
            $"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({KeyValueHeads})");
        Require(ModelType != "gpt2" || KeyValueHeads == NumAttentionHeads, "gpt2 has no grouped-query attention: num_key_value_heads must equal num_attention_heads");
        Require(ModelType == "gpt2" || HeadDim % 2 == 0, $"{ModelType} needs an even head dimension for rotary embeddings");
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

    /// <summary>
    /// Builds a config from a parsed <c>config.json</c> object. A key that is absent takes the default of the
    /// family's Hugging Face config class (GPT2Config, Qwen2Config, LlamaConfig; see <see cref="HfDefaults"/>);
    /// keys that change the architecture in ways this code does not implement are refused (<see cref="Refuse"/>).
    /// </summary>
    public static ModelConfig FromJson(JsonObject o)
    {
        var type = Str(o, "model_type") ?? throw new InvalidDataException("model_type is missing");
        if (!KnownModelTypes.Contains(type))
        {
            throw new InvalidDataException($"model_type '{type}' is not one of: {string.Join(", ", KnownModelTypes)}");
        }
        Refuse(o, type);
        var d = HfDefaults.For(type);
        var heads = Int(o, "num_attention_heads", "n_head") ?? d.Heads;
        var act = Str(o, type == "gpt2" ? "activation_function" : "hidden_act") ?? DefaultActivation(type);
        var config = new ModelConfig
        {
            ModelType = type,
            VocabSize = Int(o, "vocab_size") ?? d.VocabSize,
            HiddenSize = Int(o, "hidden_size", "n_embd") ?? d.HiddenSize,
            NumHiddenLayers = Int(o, "num_hidden_layers", "n_layer") ?? d.Layers,
            NumAttentionHeads = heads,
            // GPT-2 has no such key; LlamaConfig's None means "as many as query heads"; Qwen2Config's default is 32.
            NumKeyValueHeads = type == "gpt2" || (o.ContainsKey("num_key_value_heads") && o["num_key_value_heads"] is null)
                ? heads : Int(o, "num_key_value_heads") ?? d.KeyValueHeads ?? heads,
            IntermediateSize = Int(o, "intermediate_size", "n_inner") ?? d.IntermediateSize,
            MaxPositionEmbeddings = Int(o, "max_position_embeddings", "n_positions") ?? d.MaxPositions,
            RopeTheta = Dbl(o, "rope_theta") ?? 10000.0,
            RmsNormEps = Dbl(o, "rms_norm_eps") ?? 1e-6,
            LayerNormEpsilon = Dbl(o, "layer_norm_epsilon") ?? 1e-5,
            TieWordEmbeddings = Bool(o, "tie_word_embeddings") ?? d.TieWordEmbeddings,
            BosTokenId = o.ContainsKey("bos_token_id") ? FirstInt(o["bos_token_id"]) : d.BosTokenId,
            EosTokenId = o.ContainsKey("eos_token_id") ? FirstInt(o["eos_token_id"]) : d.EosTokenId,
            PadTokenId = FirstInt(o["pad_token_id"]),
            TorchDtype = Str(o, "torch_dtype") ?? Str(o, "dtype") ?? "float32",
            HiddenAct = act == DefaultActivation(type) ? null : act,
            HeadDimOverride = type == "gpt2" ? null : Int(o, "head_dim") is { } hd && hd != (Int(o, "hidden_size") ?? d.HiddenSize) / heads ? hd : null,
            RopeScaling = type == "gpt2" ? null : RopeScaling.FromJson(o["rope_scaling"]),
            AttentionBias = type == "llama" && Bool(o, "attention_bias") == true ? true : null,
        };
        config.Validate();
        return config;
    }

    /// <summary>
    /// Keys whose non-default values change the computation in ways not implemented here, with the values
    /// allowed. Dropout keys are read as 0 (RL fine-tuning runs without dropout, as TRL's disable_dropout does).
    /// </summary>
    private static void Refuse(JsonObject o, string type)
    {
        void Only(string key, string allowed, Func<JsonNode?, bool> ok)
        {
            if (o.ContainsKey(key) && !ok(o[key]))
            {
                throw new InvalidDataException($"{key} = {o[key]?.ToJsonString() ?? "null"} is not supported (allowed: {allowed})");
            }
        }
        bool Is(JsonNode? n, bool value) => n is JsonValue v && v.TryGetValue<bool>(out var b) && b == value;
        bool NullOr(JsonNode? n, bool value) => n is null || Is(n, value);
        if (type == "gpt2")
        {
            Only("scale_attn_weights", "true", n => NullOr(n, true));
            Only("scale_attn_by_inverse_layer_idx", "false", n => NullOr(n, false));
            Only("add_cross_attention", "false", n => NullOr(n, false));
            return;
        }
        Only("use_sliding_window", "false (sliding-window attention is not implemented)", n => NullOr(n, false));
        Only("mlp_bias", "false", n => NullOr(n, false));
        Only("partial_rotary_factor", "1.0", n => n is null || (n is JsonValue v && v.TryGetValue<double>(out var f) && f == 1.0));
        if (type == "qwen2")
        {
            Only("attention_bias", "true or absent (qwen2 always has q/k/v biases)", n => NullOr(n, true));
        }
    }

    /// <summary>Writes <c>config.json</c> with the generic names plus the family's own ones.</summary>
    public void Save(string path) =>
        File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The <c>config.json</c> object.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(ModelType switch { "gpt2" => "GPT2LMHeadModel", "llama" => "LlamaForCausalLM", _ => "Qwen2ForCausalLM" }),
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
            o["activation_function"] = Activation;
        }
        else
        {
            o["rope_theta"] = RopeTheta;
            o["rms_norm_eps"] = RmsNormEps;
            o["hidden_act"] = Activation;
            o["head_dim"] = HeadDim;
            o["rope_scaling"] = RopeScaling?.ToJson();
            if (ModelType == "llama")
            {
                o["attention_bias"] = QkvBias;
                o["mlp_bias"] = false;
            }
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

    private static bool? Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

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
