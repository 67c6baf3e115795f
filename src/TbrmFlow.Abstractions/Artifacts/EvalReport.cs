using System.Text.Json.Serialization;

namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>Evaluation results: <c>summary.json</c> (metrics with intervals) and <c>samples.jsonl</c> per problem.</summary>
[JsonConverter(typeof(ArtifactReferenceConverter<EvalReport>))]
public sealed record EvalReport(string Path, string? Hash = null) : ArtifactReference(Path, Hash)
{
    /// <inheritdoc />
    public override ArtifactKind Kind => ArtifactKind.EvalReport;
}
