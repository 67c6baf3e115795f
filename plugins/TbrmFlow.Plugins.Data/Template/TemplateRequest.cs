using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Template;

/// <summary>Rewrites every question of a PromptSet through a prompt template.</summary>
[Activity("data.template", Category = "data", Description = "Applies a prompt template ({question}; named: qwen_math, boxed, plain) to every question of a PromptSet.", Deterministic = true)]
public sealed record TemplateRequest : IActivity<TemplateResult>
{
    /// <summary>The problems to rewrite.</summary>
    public required PromptSet Problems { get; init; }

    /// <summary>A named template: <c>qwen_math</c>, <c>boxed</c> or <c>plain</c> (ignored when template_text is set).</summary>
    public string Template { get; init; } = "qwen_math";

    /// <summary>Your own template; must contain <c>{question}</c>.</summary>
    public string? TemplateText { get; init; }
}
