using System.Text.Json.Nodes;
using Mediator;
using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Template;

/// <summary>Applies the template and keeps the original question in <c>meta.raw_question</c>.</summary>
public sealed class TemplateHandler(IActivityContextAccessor context) : IRequestHandler<TemplateRequest, TemplateResult>
{
    /// <inheritdoc />
    public async ValueTask<TemplateResult> Handle(TemplateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var template = request.TemplateText ?? PromptTemplates.Get(request.Template);
        if (!template.Contains("{question}", StringComparison.Ordinal))
        {
            throw new ArgumentException("template_text must contain {question}");
        }
        var ctx = context.Current;
        var problems = PromptSetFiles.Read(request.Problems.Path).Select(p =>
        {
            var meta = p.Meta is null ? new JsonObject() : (JsonObject)p.Meta.DeepClone();
            meta["raw_question"] = p.Question;
            return p with { Question = PromptTemplates.Apply(template, p.Question), Meta = meta };
        });
        var origin = $"data.template {(request.TemplateText is null ? request.Template : "custom")} of {request.Problems.Path}";
        return new TemplateResult { Problems = await PromptSetFiles.CommitAsync(ctx.Artifacts, problems, origin, cancellationToken) };
    }
}
