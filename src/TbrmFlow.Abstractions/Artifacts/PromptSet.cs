using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>Problems to train or evaluate on: <c>problems.jsonl</c> (id, question, answer, source, meta) and <c>manifest.json</c>.</summary>
[JsonConverter(typeof(ArtifactReferenceConverter<PromptSet>))]
public sealed record PromptSet(string Path, string? Hash = null) : ArtifactReference(Path, Hash)
{
    /// <inheritdoc />
    public override ArtifactKind Kind => ArtifactKind.PromptSet;
}
