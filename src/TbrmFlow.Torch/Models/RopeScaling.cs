using System.Globalization;
using System.Text.Json.Nodes;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// <c>rope_scaling</c> of a qwen2/llama config, as transformers reads it: <c>rope_type</c> (or the older
/// <c>type</c>) <c>default</c>, <c>linear</c> (inverse frequencies / factor) or <c>llama3</c> (low frequencies
/// divided by factor, high ones kept, a smooth blend between; needs low_freq_factor, high_freq_factor,
/// original_max_position_embeddings). Other types (dynamic, yarn, longrope, ...) are refused.
/// </summary>
public sealed record RopeScaling
{
    /// <summary>The types implemented.</summary>
    public static IReadOnlyList<string> Types { get; } = ["default", "linear", "llama3"];

    /// <summary>default, linear or llama3.</summary>
    public required string Type { get; init; }

    /// <summary><c>factor</c> (linear, llama3).</summary>
    public double Factor { get; init; } = 1.0;

    /// <summary><c>low_freq_factor</c> (llama3).</summary>
    public double LowFreqFactor { get; init; } = 1.0;

    /// <summary><c>high_freq_factor</c> (llama3).</summary>
    public double HighFreqFactor { get; init; } = 4.0;

    /// <summary><c>original_max_position_embeddings</c> (llama3).</summary>
    public int OriginalMaxPositionEmbeddings { get; init; } = 8192;

    /// <summary>Reads the JSON value (null or an object); null when absent, JSON null or <c>default</c>.</summary>
    /// <exception cref="InvalidDataException">Naming the field and the allowed values.</exception>
    public static RopeScaling? FromJson(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject o)
        {
            throw new InvalidDataException("rope_scaling must be an object or null");
        }
        var type = (o["rope_type"] ?? o["type"]) is JsonValue tv && tv.TryGetValue<string>(out var t) ? t : null;
        if (type is null || !Types.Contains(type))
        {
            throw new InvalidDataException($"rope_scaling.rope_type '{type ?? "(missing)"}' is not one of: {string.Join(", ", Types)}");
        }
        if (type == "default")
        {
            return null;
        }
        double? Num(string key) => o[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
        double Need(string key) => Num(key) ?? throw new InvalidDataException($"rope_scaling.{key} is missing (rope_type {type} needs it)");
        var scaling = type == "linear"
            ? new RopeScaling { Type = type, Factor = Need("factor") }
            : new RopeScaling
            {
                Type = type,
                Factor = Need("factor"),
                LowFreqFactor = Need("low_freq_factor"),
                HighFreqFactor = Need("high_freq_factor"),
                OriginalMaxPositionEmbeddings = (int)Need("original_max_position_embeddings"),
            };
        scaling.Validate();
        return scaling;
    }

    /// <summary>Checks the numbers.</summary>
    /// <exception cref="InvalidDataException">Naming the field.</exception>
    public void Validate()
    {
        if (!Types.Contains(Type))
        {
            throw new InvalidDataException($"rope_scaling.rope_type '{Type}' is not one of: {string.Join(", ", Types)}");
        }
        if (Factor <= 0)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"rope_scaling.factor must be > 0, got {Factor}"));
        }
        if (Type == "llama3" && (HighFreqFactor <= LowFreqFactor || OriginalMaxPositionEmbeddings <= 0))
        {
            throw new InvalidDataException("rope_scaling: llama3 needs high_freq_factor > low_freq_factor and original_max_position_embeddings > 0");
        }
    }

    /// <summary>The <c>rope_scaling</c> object.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["rope_type"] = Type, ["factor"] = Factor };
        if (Type == "llama3")
        {
            o["low_freq_factor"] = LowFreqFactor;
            o["high_freq_factor"] = HighFreqFactor;
            o["original_max_position_embeddings"] = OriginalMaxPositionEmbeddings;
        }
        return o;
    }

    /// <summary>Scales the inverse frequencies theta^(-2i/Dh), i = 0..Dh/2-1 (returns a new array).</summary>
    public double[] Apply(double[] inverseFrequencies)
    {
        if (Type == "linear")
        {
            return [.. inverseFrequencies.Select(f => f / Factor)];
        }
        if (Type != "llama3")
        {
            return inverseFrequencies;
        }
        double oldContext = OriginalMaxPositionEmbeddings;
        var lowFreqWavelength = oldContext / LowFreqFactor;
        var highFreqWavelength = oldContext / HighFreqFactor;
        return [.. inverseFrequencies.Select(f =>
        {
            var wavelength = 2 * Math.PI / f;
            if (wavelength < highFreqWavelength)
            {
                return f;                                       // high frequency: unchanged
            }
            if (wavelength > lowFreqWavelength)
            {
                return f / Factor;                              // low frequency: scaled like linear
            }
            var smooth = (oldContext / wavelength - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
            return ((1 - smooth) * f / Factor) + (smooth * f);
        })];
    }
}
