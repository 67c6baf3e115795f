namespace TbrmFlow.Abstractions.Artifacts;

/// <summary>The few typed artifacts that flow between stages.</summary>
public enum ArtifactKind
{
    /// <summary>Problems: a directory with <c>problems.jsonl</c> and <c>manifest.json</c>.</summary>
    PromptSet,

    /// <summary>Sampled responses with rewards and log-probs (<c>rollouts.jsonl</c>).</summary>
    RolloutBatch,

    /// <summary>A Hugging Face style model directory (config.json, model.safetensors, tokenizer).</summary>
    Checkpoint,

    /// <summary>Evaluation results: <c>summary.json</c> and per-problem <c>samples.jsonl</c>.</summary>
    EvalReport,
}
