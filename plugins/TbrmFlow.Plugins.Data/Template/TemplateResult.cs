using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Template;

/// <summary>The templated set.</summary>
public sealed record TemplateResult
{
    /// <summary>Same problems, ids and answers; questions templated.</summary>
    public required PromptSet Problems { get; init; }
}
