using TbrmFlow.Torch.Models;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Online;

/// <summary>What a rule may need to build itself: the loaded policy, where it came from, the device.</summary>
/// <param name="Policy">The policy being trained.</param>
/// <param name="PolicyPath">The starting checkpoint's directory (PPO loads its critic backbone from it).</param>
/// <param name="Device">The training device.</param>
/// <param name="Seed">The stage's seed (PPO seeds its critic head with it).</param>
public sealed record OnlineSetup(CausalLM Policy, string PolicyPath, Device Device, int Seed = 1);
