using System.Text.Json;
using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Descriptors;
using TbrmFlow.Workflows.Validation;

namespace TbrmFlow.Workflows.Schema;

/// <summary>
/// An activity as users read it, with the workflow language's type names (<see cref="InputTypes.Name"/>):
/// what <c>tbrmflow activities --json</c> prints and <c>GET /api/activities</c> serves.
/// </summary>
/// <param name="Type">The activity type, e.g. <c>rl.tbrm</c>.</param>
/// <param name="Version">Its version (part of cache keys).</param>
/// <param name="Category">Palette group: data, rl, eval, demo.</param>
/// <param name="Description">One sentence.</param>
/// <param name="Deterministic">True when its outputs depend only on its inputs (it may be cached).</param>
/// <param name="Inputs">Inputs in declaration order.</param>
/// <param name="Outputs">Outputs in declaration order.</param>
public sealed record ActivityInfo(
    string Type, int Version, string Category, string Description, bool Deterministic,
    IReadOnlyList<ActivityInputInfo> Inputs, IReadOnlyList<ActivityOutputInfo> Outputs)
{
    /// <summary>The JSON form the CLI prints and the API serves (camelCase, as ASP.NET Core writes it).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Describes <paramref name="descriptor"/>.</summary>
    public static ActivityInfo From(ActivityDescriptor descriptor) => new(
        descriptor.Type, descriptor.Version, descriptor.Category, descriptor.Description, descriptor.Deterministic,
        [.. descriptor.Inputs.Select(i => new ActivityInputInfo(
            i.Name, InputTypes.Name(i.ClrType), ItemName(i.ClrType), Allowed(i.ClrType), i.Required,
            i.Required ? null : i.Default?.DeepClone(), i.Description))],
        [.. descriptor.Outputs.Select(o => new ActivityOutputInfo(o.Name, InputTypes.Name(o.ClrType), ItemName(o.ClrType), o.Description))]);

    private static string? ItemName(Type type) => InputTypes.ItemType(type) is { } item ? InputTypes.Name(item) : null;

    private static IReadOnlyList<string>? Allowed(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsEnum ? [.. InputTypes.EnumNames(type)] : null;
    }
}

/// <summary>An activity input.</summary>
/// <param name="Name">snake_case name as written under <c>with:</c>.</param>
/// <param name="Type">Language type: string, int, float, bool, enum, list, object, or an artifact type (PromptSet, Checkpoint, RolloutBatch, EvalReport).</param>
/// <param name="Items">For a list: the type of its items.</param>
/// <param name="Allowed">For an enum: the allowed values.</param>
/// <param name="Required">True when the stage must give it.</param>
/// <param name="Default">The value used when it is left out (null for required inputs).</param>
/// <param name="Description">From the request's doc comment.</param>
public sealed record ActivityInputInfo(string Name, string Type, string? Items, IReadOnlyList<string>? Allowed, bool Required, JsonNode? Default, string Description);

/// <summary>An activity output.</summary>
/// <param name="Name">snake_case name, as in <c>${{ stages.x.outputs.NAME }}</c>.</param>
/// <param name="Type">Language type, as for inputs.</param>
/// <param name="Items">For a list: the type of its items.</param>
/// <param name="Description">From the result's doc comment.</param>
public sealed record ActivityOutputInfo(string Name, string Type, string? Items, string Description);
