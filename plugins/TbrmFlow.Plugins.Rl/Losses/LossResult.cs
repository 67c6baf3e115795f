using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>
/// What a loss function returns: the scalar to differentiate and detached scalar metric tensors
/// (metric name without prefix -> 0-d tensor). Nothing is read to the host here; the training loop
/// reads all metrics of a step at once.
/// </summary>
/// <param name="Loss">0-d tensor with gradient.</param>
/// <param name="Metrics">0-d detached tensors, e.g. <c>delta_mean</c>.</param>
public sealed record LossResult(Tensor Loss, IReadOnlyDictionary<string, Tensor> Metrics);
