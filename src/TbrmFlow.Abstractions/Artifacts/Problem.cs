using System.Text.Json.Nodes;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>One line of a PromptSet's <c>problems.jsonl</c>.</summary>
public sealed record Problem
{
    /// <summary>Unique within the set.</summary>
    public required string Id { get; init; }

    /// <summary>The prompt text (after templating, if any).</summary>
    public required string Question { get; init; }

    /// <summary>The reference final answer.</summary>
    public required string Answer { get; init; }

    /// <summary>A worked solution for SFT targets, when the source has one.</summary>
    public string? Solution { get; init; }

    /// <summary>Where the problem came from.</summary>
    public string? Source { get; init; }

    /// <summary>Anything else (difficulty, operands, ...).</summary>
    public JsonObject? Meta { get; init; }
}
