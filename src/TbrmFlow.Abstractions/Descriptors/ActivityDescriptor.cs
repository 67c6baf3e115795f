namespace TbrmFlow.Abstractions.Descriptors;

/// <summary>Everything known about an activity type, derived from its attribute and request record.</summary>
public sealed record ActivityDescriptor
{
    /// <summary>The YAML name, e.g. <c>rl.tbrm</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Cache-relevant version.</summary>
    public required int Version { get; init; }

    /// <summary>Palette group.</summary>
    public required string Category { get; init; }

    /// <summary>One sentence.</summary>
    public required string Description { get; init; }

    /// <summary>Whether outputs depend only on inputs.</summary>
    public required bool Deterministic { get; init; }

    /// <summary>The request record (inputs).</summary>
    public required Type RequestType { get; init; }

    /// <summary>The result record (outputs).</summary>
    public required Type ResultType { get; init; }

    /// <summary>Inputs in declaration order.</summary>
    public required IReadOnlyList<PortDescriptor> Inputs { get; init; }

    /// <summary>Outputs in declaration order.</summary>
    public required IReadOnlyList<PortDescriptor> Outputs { get; init; }
}
