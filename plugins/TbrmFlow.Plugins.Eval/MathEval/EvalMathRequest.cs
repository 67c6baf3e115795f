using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.MathEval;

/// <summary>
/// Generates k samples per problem from a checkpoint (greedy when temperature is 0), extracts and
/// checks the answers, and reports avg@k, pass@k and maj@k with bootstrap 95% intervals.
/// </summary>
[Activity("eval.math", Version = 1, Category = "eval", Description = "avg@k, pass@k (unbiased) and maj@k with bootstrap 95% intervals for a checkpoint on a PromptSet; writes an EvalReport.", Deterministic = true)]
public sealed record EvalMathRequest : IActivity<EvalMathResult>
{
    /// <summary>The model to evaluate.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>The problems (each question is the prompt as is; apply data.template first if needed).</summary>
    public required PromptSet Problems { get; init; }

    /// <summary>Samples per problem (k in avg@k, pass@k, maj@k).</summary>
    public int K { get; init; } = 1;

    /// <summary>Sampling temperature; 0 means greedy decoding, which needs k = 1.</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling threshold (1 = off).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Most tokens per response; a response that reaches it counts as truncated.</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Answer checker: <c>math</c> (equivalence) or <c>exact</c> (normalised text).</summary>
    public string Checker { get; init; } = "math";

    /// <summary>Where to look for the answer, in order: <c>boxed</c>, <c>hash</c>, <c>answer_is</c>, <c>last_number</c> (all four by default; <c>[boxed]</c> for strict MATH scoring).</summary>
    public List<AnswerPattern> AnswerPatterns { get; init; } = [.. AnswerExtractionOptions.Default.Patterns];

    /// <summary>Problems per generation batch (each expands to batch_size x k rows).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Use only the first this many problems (0 = all).</summary>
    public int Limit { get; init; }

    /// <summary>Seed of sampling and of the bootstrap.</summary>
    public int Seed { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";
}
