using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>What one forward pass of the policy gives the update rules, at the response positions (float32 for bf16 models).</summary>
/// <param name="LogProbs">[B, T] log pi(a_t|s_t) at temperature, with gradient; 0 where the mask is 0.</param>
/// <param name="Lse">[B, T] V(s_t) = logsumexp of the scaled logits, with gradient.</param>
/// <param name="Entropy">[B, T] entropy of pi(.|s_t): with gradient only when asked for (<c>EntropyMode.WithGradient</c>); null when not computed.</param>
public sealed record PolicyOutputs(Tensor LogProbs, Tensor Lse, Tensor? Entropy);
