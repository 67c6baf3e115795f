using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>A model in Hugging Face layout: <c>config.json</c>, <c>model.safetensors</c>, tokenizer files, <c>tbrmflow.json</c>.</summary>
[JsonConverter(typeof(ArtifactReferenceConverter<Checkpoint>))]
public sealed record Checkpoint(string Path, string? Hash = null) : ArtifactReference(Path, Hash)
{
    /// <inheritdoc />
    public override ArtifactKind Kind => ArtifactKind.Checkpoint;
}
