namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>One way of finding the final answer in a model response.</summary>
public enum AnswerPattern
{
    /// <summary>The content of the last <c>\boxed{...}</c> (or <c>\fbox{...}</c>), nested braces allowed.</summary>
    Boxed,

    /// <summary>The rest of the line after the last <c>####</c> (GSM8K style).</summary>
    Hash,

    /// <summary>The rest of the line after the last "the answer is" / "final answer is" (case-insensitive).</summary>
    AnswerIs,

    /// <summary>The last number in the text (integer, decimal, <c>a/b</c>, thousands commas).</summary>
    LastNumber,
}
