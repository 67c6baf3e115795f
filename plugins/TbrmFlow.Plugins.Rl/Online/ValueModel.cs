using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>
/// PPO's critic: its own copy of the policy's backbone with a scalar head, V(s_t) at every
/// response position (TBRM.md section 5: "a separate value model, same architecture").
/// </summary>
public sealed class ValueModel : nn.Module<TrajectoryBatch, Tensor>
{
    private readonly CausalLM _backbone;
    private readonly Linear _head;

    /// <summary>
    /// Wraps <paramref name="backbone"/> (owned from now on) with a fresh head on its device: weight N(0, 0.02) from a
    /// generator seeded with <paramref name="seed"/>, bias 0. A local generator, not libtorch's global one, so that
    /// stages running at once in one process (or tests in parallel) cannot change each other's initial critic.
    /// </summary>
    public ValueModel(CausalLM backbone, long seed) : base(nameof(ValueModel))
    {
        _backbone = backbone;
        _head = nn.Linear(backbone.Config.HiddenSize, 1, device: backbone.Device);
        using (no_grad())
        {
            using var generator = new Generator((ulong)seed, CPU);
            var weight = empty(_head.weight!.shape).normal_(0.0, 0.02, generator);             // [1, D] on CPU
            _head.weight!.copy_(weight);
            _head.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>Values of the states that predict each response token: [B, T].</summary>
    public override Tensor forward(TrajectoryBatch batch)
    {
        var hidden = _backbone.ForwardHidden(batch.Tokens, batch.Attention);                 // [B, P+T, D]
        var states = hidden.narrow(1, batch.PromptLength - 1, batch.ResponseLength);         // [B, T, D]
        return _head.forward(states).squeeze(-1) * batch.Mask;                               // [B, T, 1] -> [B, T]
    }
}
