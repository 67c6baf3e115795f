using System.Text.Json.Nodes;

namespace TbrmFlow.Workflows.Model;

/// <summary>One stage of a workflow: an activity and its inputs, or a <c>repeat</c> of sub-stages.</summary>
public sealed record StageDefinition
{
    /// <summary>The stage id (<c>[a-z][a-z0-9_-]*</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The activity type, e.g. <c>rl.tbrm</c> (without <c>@version</c>); empty for a repeat stage.</summary>
    public required string Uses { get; init; }

    /// <summary>The version after <c>@</c> in <c>uses</c>, when given.</summary>
    public int? Version { get; init; }

    /// <summary>The inputs, still holding <c>${{ }}</c> expressions as strings.</summary>
    public JsonObject With { get; init; } = [];

    /// <summary>Explicit dependencies (references add implicit ones).</summary>
    public IReadOnlyList<string> Needs { get; init; } = [];

    /// <summary>Condition (a template string or a boolean); false skips the stage.</summary>
    public JsonNode? If { get; init; }

    /// <summary>Fan-out over a matrix of values, one instance per cell.</summary>
    public MatrixDefinition? Matrix { get; init; }

    /// <summary>How failed attempts are retried.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <summary>Per-attempt time limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>False turns the result cache off for this stage; null = the activity decides.</summary>
    public bool? Cache { get; init; }

    /// <summary>What the stage needs to run.</summary>
    public ResourceRequest Resources { get; init; } = ResourceRequest.None;

    /// <summary>Free text.</summary>
    public string? Description { get; init; }

    /// <summary>Set for a <c>repeat</c> stage (then <see cref="Uses"/> is empty).</summary>
    public RepeatDefinition? Repeat { get; init; }

    /// <summary>Where the stage was declared.</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;

    /// <summary>Positions of the stage's fields and values by dotted path (<c>uses</c>, <c>with.seed</c>, <c>matrix.policy</c>, <c>if</c>).</summary>
    public IReadOnlyDictionary<string, SourceLocation> Locations { get; init; } = new Dictionary<string, SourceLocation>();

    /// <summary>The position of a field; else of the nearest enclosing field that has one (<c>with.a[2].b</c>, <c>with.a[2]</c>, <c>with.a</c> ...); else the stage's own.</summary>
    public SourceLocation LocationOf(string path)
    {
        while (true)
        {
            if (Locations.TryGetValue(path, out var l))
            {
                return l;
            }
            var cut = path.AsSpan().LastIndexOfAny('.', '[');
            if (cut <= 0)
            {
                return Location;
            }
            path = path[..cut];
        }
    }
}
