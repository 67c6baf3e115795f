using System.Text.Json;
using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions;

/// <summary>
/// The one JSON convention for activity inputs and outputs: snake_case names (YAML <c>train_size</c>
/// binds to <c>TrainSize</c>), unknown inputs rejected, enums as snake_case strings.
/// </summary>
public static class ActivityJson
{
    /// <summary>Options used to bind inputs to requests and to serialise results.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
