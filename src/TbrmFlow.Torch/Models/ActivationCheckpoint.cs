using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// Activation checkpointing for one block: the forward pass keeps only the block's input (and the
/// extra tensors it needs, e.g. the attention mask and rotary angles, which autograd keeps alive
/// after the caller's dispose scope ends); the backward pass recomputes the block with grad enabled
/// and back-propagates through it (reentrant, like <c>torch.utils.checkpoint</c> with
/// <c>use_reentrant=True</c>). Parameter gradients accumulate into <c>.grad</c> during that inner backward.
/// </summary>
internal sealed class ActivationCheckpoint : autograd.SingleTensorFunction<ActivationCheckpoint>
{
    private const string BlockKey = "block";

    public override string Name => "TbrmFlowActivationCheckpoint";

    /// <summary>Runs <paramref name="block"/>(x [B, L, D], extras) -> [B, L, D] without storing its activations.</summary>
    public static Tensor Run(Func<Tensor, Tensor[], Tensor> block, Tensor x, Tensor[] extras) =>
        apply([x, block, .. extras]);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];
        var block = (Func<Tensor, Tensor[], Tensor>)vars[1];
        var extras = vars.Skip(2).Cast<Tensor>().ToArray();
        ctx.save_for_backward([x, .. extras]);
        ctx.save_data(BlockKey, block);
        using var _ = no_grad();
        return block(x, extras);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var block = (Func<Tensor, Tensor[], Tensor>)ctx.get_data(BlockKey);
        using var _ = enable_grad();
        var input = saved[0].detach().requires_grad_(true);
        var y = block(input, saved.Skip(1).ToArray());
        y.backward([gradOutput]);
        var grads = new List<Tensor> { input.grad!, null! };
        grads.AddRange(Enumerable.Repeat<Tensor>(null!, saved.Count - 1));
        return grads;
    }
}
