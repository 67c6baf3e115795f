using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>One stage of a workflow: an activity and its inputs.</summary>
public sealed record StageDefinition
{
    /// <summary>The stage id (<c>[a-z][a-z0-9_-]*</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The activity type, e.g. <c>rl.tbrm</c> (without <c>@version</c>).</summary>
    public required string Uses { get; init; }

    /// <summary>The inputs, still holding <c>${{ }}</c> expressions as strings.</summary>
    public JsonObject With { get; init; } = [];

    /// <summary>Explicit dependencies (references add implicit ones).</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>Where the stage was declared.</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;
}
