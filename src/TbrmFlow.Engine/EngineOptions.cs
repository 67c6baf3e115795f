namespace TbrmFlow.Engine;

/// <summary>Where the engine keeps its files.</summary>
public sealed record EngineOptions
{
    /// <summary>Run store, artifacts and per-stage state live here (default <c>./.tbrmflow</c>).</summary>
    public string HomeDirectory { get; init; } = Path.GetFullPath(".tbrmflow");
}
