namespace TbrmFlow.Abstractions;

/// <summary>
/// Marks a request record as a workflow activity. The descriptor that the schema, the CLI's
/// <c>activities</c> command and the designer palette read is built from this attribute and the
/// request's properties; nothing about an activity is written twice.
/// </summary>
/// <param name="type">The name used in YAML <c>uses:</c>, e.g. <c>rl.tbrm</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ActivityAttribute(string type) : Attribute
{
    /// <summary>The name used in YAML <c>uses:</c>, e.g. <c>rl.tbrm</c>.</summary>
    public string Type { get; } = type;

    /// <summary>Bumped when outputs for the same inputs change; part of the cache key.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Palette group: data, rl, eval, util.</summary>
    public string Category { get; init; } = "general";

    /// <summary>One sentence shown in the palette and in <c>tbrmflow activities</c>.</summary>
    public string Description { get; init; } = "";

    /// <summary>Same inputs give the same outputs, so a finished stage may be reused (cache).</summary>
    public bool Deterministic { get; init; } = true;
}
