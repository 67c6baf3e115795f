using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>
/// A loop: run <see cref="Stages"/> once per iteration, with <c>loop.&lt;name&gt;</c> holding the carried
/// state and <c>loop.index</c> the 0-based iteration; after each iteration <see cref="Next"/> computes the
/// new carry from the sub-stages' outputs. Stops after <see cref="Count"/> iterations, or when
/// <see cref="Until"/> is true (at most <see cref="Max"/>). The stage's outputs are the final carry.
/// </summary>
public sealed record RepeatDefinition
{
    /// <summary>Fixed iteration count (a number or a template evaluating to one), or null with <see cref="Until"/>.</summary>
    public JsonNode? Count { get; init; }

    /// <summary>Stop condition, evaluated after each iteration with the new carry.</summary>
    public string? Until { get; init; }

    /// <summary>Upper bound on iterations for <see cref="Until"/>.</summary>
    public int? Max { get; init; }

    /// <summary>Carried state: names and initial values (templates allowed).</summary>
    public JsonObject Carry { get; init; } = [];

    /// <summary>The sub-stages of one iteration.</summary>
    public IReadOnlyList<StageDefinition> Stages { get; init; } = [];

    /// <summary>How each carried value is updated after an iteration (missing names keep their value).</summary>
    public JsonObject Next { get; init; } = [];
}
