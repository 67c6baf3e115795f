using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Plugins.Rl.Training;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>Samples responses with the KV-cache generator and scores them with a reward function.</summary>
public static class RolloutSampler
{
    /// <summary>
    /// n = <c>options.NumSamples</c> responses per problem (rows grouped by problem). Rewards are
    /// raw (0/1 for <c>exact</c>); <paramref name="signedReward"/> maps r to 2r - 1 in the batch tensor only.
    /// The batch's tensors belong to the caller's dispose scope.
    /// </summary>
    public static RolloutSet Sample(CausalLM model, ITokenizer tokenizer, IReadOnlyList<Problem> problems, IRewardFunction reward,
        GenerationOptions options, bool signedReward = false)
    {
        var prompts = problems.Select(p => Batching.PromptIds(tokenizer, p.Question)).ToList();
        using var generated = TextGenerator.Generate(model, tokenizer, prompts, options);
        var rowProblems = generated.PromptIndex.Select(i => problems[i]).ToArray();
        var rewards = new double[rowProblems.Length];
        for (var i = 0; i < rewards.Length; i++)
        {
            rewards[i] = reward.Score(rowProblems[i], generated.Texts[i]);
        }
        var target = rewards.Select(r => (float)(signedReward ? (2 * r) - 1 : r)).ToArray();
        var batch = TrajectoryBatch.FromTensors(generated.PromptTokens, generated.PromptMask, generated.Tokens, generated.Mask,
            generated.LogProbs, tensor(target, device: model.Device));
        return new RolloutSet
        {
            Batch = batch,
            Problems = rowProblems,
            Texts = generated.Texts,
            Rewards = rewards,
            Lengths = generated.Lengths,
            FinishReasons = generated.FinishReasons,
        };
    }
}
