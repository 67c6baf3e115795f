using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Plugins.Rl.Online;
using TbrmFlow.Plugins.Rl.Policy;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Generation;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Tests.Support;

/// <summary>
/// The fixed batch the update-rule tests train on: 16 prompts x 4 samples (64 rows) from the tiny policy, with a reward
/// that is a function of the response (identical responses score the same) and splits the samples: 1 when the first
/// response token has an even id. Tensors belong to the caller's dispose scope.
/// </summary>
public static class SplitRewardBatch
{
    /// <summary>The tiny policy loaded again with every parameter frozen (the KL reference).</summary>
    public static ModelCheckpoint FrozenReference(TinyPolicy tiny)
    {
        var reference = ModelCheckpoint.Load(tiny.Policy.Path);
        foreach (var p in reference.Model.parameters())
        {
            p.requires_grad = false;
        }
        return reference;
    }

    /// <summary>Samples the batch from <paramref name="policy"/> (seed 5) and sets its rewards.</summary>
    public static RolloutSet Sample(TinyPolicy tiny, ModelCheckpoint policy)
    {
        var problems = PromptSetFiles.Read(tiny.Prompts.Path).Take(16).ToList();
        var set = RolloutSampler.Sample(policy.Model, policy.Tokenizer, problems, RewardFunctions.Get("exact"),
            new GenerationOptions { NumSamples = 4, MaxNewTokens = 4, Seed = 5 });
        set.Batch.Rewards.copy_(set.Batch.ResponseTokens.select(1, 0).remainder(2).eq(0).to_type(ScalarType.Float32));
        return set;
    }

    /// <summary>The update rule of <paramref name="algorithm"/> (tbrm, token_brm, grpo with 4 samples, ppo) at the tests' settings.</summary>
    public static IUpdateRule Rule(string algorithm, TinyPolicy tiny, ModelCheckpoint policy) => algorithm switch
    {
        "tbrm" or "token_brm" => new TbrmRule(new TbrmOptions { Beta = 0.5 }, algorithm),
        "grpo" => new GrpoRule(4, 0.2, 0.001),
        _ => new PpoRule(new OnlineSetup(policy.Model, tiny.Policy.Path, CPU), new PpoSettings()),
    };
}
