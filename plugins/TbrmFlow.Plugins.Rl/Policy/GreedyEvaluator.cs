using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Eval.Rewards;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Policy;

/// <summary>Greedy accuracy (avg@1 at temperature 0) on a list of problems, in batches.</summary>
public static class GreedyEvaluator
{
    /// <summary>Per problem: the greedy response and whether its reward is positive.</summary>
    public static IReadOnlyList<(Problem Problem, string Response, bool Correct)> Run(
        CausalLM model, ITokenizer tokenizer, IReadOnlyList<Problem> problems, IRewardFunction reward, int maxNewTokens, int batchSize = 256)
    {
        var results = new List<(Problem, string, bool)>(problems.Count);
        var wasTraining = model.training;
        model.eval();
        for (var start = 0; start < problems.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = problems.Skip(start).Take(batchSize).ToList();
            var prompts = chunk.Select(p => Batching.PromptIds(tokenizer, p.Question)).ToList();
            using var generated = TextGenerator.Generate(model, tokenizer, prompts,
                new GenerationOptions { Greedy = true, MaxNewTokens = maxNewTokens, Seed = 0 });
            for (var i = 0; i < chunk.Count; i++)
            {
                results.Add((chunk[i], generated.Texts[i], reward.Score(chunk[i], generated.Texts[i]) > 0));
            }
        }
        if (wasTraining)
        {
            model.train();
        }
        return results;
    }

    /// <summary>Share of problems answered correctly by greedy decoding.</summary>
    public static double Accuracy(CausalLM model, ITokenizer tokenizer, IReadOnlyList<Problem> problems, IRewardFunction reward, int maxNewTokens) =>
        problems.Count == 0 ? double.NaN : Run(model, tokenizer, problems, reward, maxNewTokens).Count(r => r.Correct) / (double)problems.Count;
}
