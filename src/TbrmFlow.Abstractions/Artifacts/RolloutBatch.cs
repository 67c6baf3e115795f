using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>Sampled responses: <c>rollouts.jsonl</c> with prompt and response tokens, per-token log-probs and rewards.</summary>
[JsonConverter(typeof(ArtifactReferenceConverter<RolloutBatch>))]
public sealed record RolloutBatch(string Path, string? Hash = null) : ArtifactReference(Path, Hash)
{
    /// <inheritdoc />
    public override ArtifactKind Kind => ArtifactKind.RolloutBatch;
}
