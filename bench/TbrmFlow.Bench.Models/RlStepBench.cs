using System.Diagnostics;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Generation;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using TbrmFlow.Torch.Tokenization;
using static TorchSharp.torch;

namespace TbrmFlow.Bench.Models;

/// <summary>
/// One TBRM-shaped step on the toy model, as the RL quickstart runs it: sample 128 prompts x 1
/// response (at most 6 tokens), score reference (no grad) and policy (grad), squared residual, AdamW.
/// </summary>
internal static class RlStepBench
{
    public static void Run()
    {
        TorchRuntime.EnsureLoaded();
        var tokenizer = new CharTokenizer("0123456789+=");
        var config = ModelPresets.Create("toy", tokenizer.VocabSize, maxPositions: 32);
        using var policy = ModelFactory.Create(config, seed: 1);
        using var reference = ModelFactory.Create(config, seed: 1);
        reference.eval();
        using var optimizer = optim.AdamW(policy.parameters(), 3e-4);
        var random = new Random(1);
        var sample = new Stopwatch();
        var score = new Stopwatch();
        var total = Stopwatch.StartNew();
        const int Steps = 20;
        for (var i = 0; i < Steps + 1; i++)
        {
            if (i == 1)
            {
                total.Restart();
                sample.Reset();
                score.Reset();
            }
            using var scope = NewDisposeScope();
            var prompts = Enumerable.Range(0, 128).Select(_ => $"{random.Next(1000)}+{random.Next(1000)}=").ToList();
            sample.Start();
            policy.eval();
            using var rollout = TextGenerator.Generate(policy, tokenizer, prompts, new GenerationOptions { MaxNewTokens = 6, Seed = i });
            sample.Stop();
            score.Start();
            using var batch = rollout.ToSequenceBatch();
            Tensor refLp;
            using (no_grad())
            {
                refLp = Scorer.TokenLogProbs(reference, batch);
            }
            policy.train();
            using var s = Scorer.Score(policy, batch);
            var reward = zeros(128);
            var delta = s.ValueS1 + ((s.TokenLogProbs - refLp) * batch.ResponseMask).sum(1) - reward / 0.05; // [B]
            var loss = delta.square().mean();
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(policy.parameters(), 1.0);
            optimizer.step();
            score.Stop();
        }
        Console.WriteLine($"rl step     toy ({policy.ParameterCount:N0} params), 128 prompts x 1, <=6 new tokens: " +
            $"{total.Elapsed.TotalMilliseconds / Steps:F1} ms/step (sampling {sample.Elapsed.TotalMilliseconds / Steps:F1}, scoring+update {score.Elapsed.TotalMilliseconds / Steps:F1})");
    }
}
