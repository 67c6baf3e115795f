using System.Text.Json.Nodes;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Data.Template;

using TbrmFlow.Testing;

namespace TbrmFlow.Plugins.Data.Tests.Template;

public sealed class TemplateHandlerTests : IDisposable
{
    private readonly RecordingActivityContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    private PromptSet Set()
    {
        var dir = Path.Combine(_ctx.Root, "in");
        PromptSetFiles.Write(dir, [new Problem { Id = "a", Question = "What is 1+1?", Answer = "2", Meta = new JsonObject { ["level"] = 1 } }], "test");
        return new PromptSet(dir);
    }

    [Fact]
    public async Task QwenMath_WrapsQuestionInChatMarkers_KeepsAnswerAndRawQuestion()
    {
        var result = await new TemplateHandler(_ctx).Handle(new TemplateRequest { Problems = Set() }, CancellationToken.None);
        var p = Assert.Single(PromptSetFiles.Read(result.Problems.Path));
        Assert.Equal(
            "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is 1+1?<|im_end|>\n<|im_start|>assistant\n",
            p.Question);
        Assert.Equal(("a", "2"), (p.Id, p.Answer));
        Assert.Equal("What is 1+1?", (string?)p.Meta!["raw_question"]);
        Assert.Equal(1, (int)p.Meta!["level"]!);
    }

    [Fact]
    public async Task CustomText_IsApplied_AndMustContainQuestion()
    {
        var result = await new TemplateHandler(_ctx).Handle(new TemplateRequest { Problems = Set(), TemplateText = "Q: {question}\nA:" }, CancellationToken.None);
        Assert.Equal("Q: What is 1+1?\nA:", PromptSetFiles.Read(result.Problems.Path)[0].Question);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => new TemplateHandler(_ctx).Handle(new TemplateRequest { Problems = Set(), TemplateText = "no slot" }, CancellationToken.None).AsTask());
        Assert.Contains("{question}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownName_ListsValidNames() =>
        Assert.Contains("valid: boxed, plain, qwen_math", Assert.Throws<ArgumentException>(() => PromptTemplates.Get("qwen")).Message, StringComparison.Ordinal);
}
