using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>The tensors a TBRM loss needs for a batch of B trajectories of up to T response tokens.</summary>
/// <param name="LogProbs">[B, T] log pi_theta(a_t|s_t) at temperature, with gradient.</param>
/// <param name="Lse">[B, T] V_theta(s_t) = logsumexp of the scaled logits, with gradient; V(s_1) = Lse[:, 0].</param>
/// <param name="RefLogProbs">[B, T] log pi_ref(a_t|s_t), no gradient.</param>
/// <param name="Mask">[B, T] 1 up to and including EOS (or the length limit), 0 after.</param>
/// <param name="Rewards">[B] outcome reward of each trajectory.</param>
/// <param name="RefVs1">[B] V_ref(s_1), needed only with <c>calibrate_v</c>.</param>
public sealed record TbrmBatch(Tensor LogProbs, Tensor Lse, Tensor RefLogProbs, Tensor Mask, Tensor Rewards, Tensor? RefVs1 = null);
