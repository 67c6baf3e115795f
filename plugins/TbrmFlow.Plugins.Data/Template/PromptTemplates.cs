namespace TbrmFlow.Plugins.Data.Template;

/// <summary>Named prompt templates; <c>{question}</c> is replaced by the problem's question.</summary>
public static class PromptTemplates
{
    /// <summary>
    /// The Qwen2.5-Math chat template with the system prompt the TBRM paper uses
    /// ("Please reason step by step, and put your final answer within \boxed{}.").
    /// </summary>
    public const string QwenMath =
        "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n"
        + "<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n";

    /// <summary>The question followed by the same instruction, without chat markers (for base models without a chat format).</summary>
    public const string Boxed = "{question}\nPlease reason step by step, and put your final answer within \\boxed{}.";

    /// <summary>The question unchanged.</summary>
    public const string Plain = "{question}";

    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal)
    {
        ["qwen_math"] = QwenMath,
        ["boxed"] = Boxed,
        ["plain"] = Plain,
    };

    /// <summary>Template names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Named.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The template called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">For an unknown name, listing the valid ones.</exception>
    public static string Get(string name) =>
        Named.TryGetValue(name, out var t) ? t : throw new ArgumentException($"template: unknown name '{name}'; valid: {string.Join(", ", Names)} (or give template_text)");

    /// <summary>Applies <paramref name="template"/> to <paramref name="question"/> (every <c>{question}</c> is replaced; nothing else is touched).</summary>
    public static string Apply(string template, string question)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Replace("{question}", question, StringComparison.Ordinal);
    }
}
