namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>One sampled response with what the losses need (no padding anywhere).</summary>
/// <param name="PromptTokens">Prompt ids.</param>
/// <param name="ResponseTokens">Response ids including EOS when it was sampled.</param>
/// <param name="LogProbs">Sampling log-probs, one per response token.</param>
/// <param name="Reward">Outcome reward.</param>
public sealed record Trajectory(int[] PromptTokens, int[] ResponseTokens, float[] LogProbs, double Reward);
