using System.Diagnostics;
using System.Globalization;
using TbrmFlow.Plugins.Rl.Losses;
using TbrmFlow.Torch;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Bench;

/// <summary>
/// Peak memory and step time of one TBRM training step against the vocabulary V and the response length T, for
/// three ways of turning hidden states into log-probs and V(s) (<see cref="TokenLogits"/> options):
/// <c>whole</c> = main before issue 16 (LM head over all T positions at once, autograd keeps [B, T, V], entropy
/// with gradient although only logged); <c>chunked</c> = chunks of 16 M logits, autograd keeps every chunk's
/// graph, entropy detached; <c>recompute</c> = chunks recomputed in the backward pass (the default now).
/// Each configuration runs in its own child process; peak = the child's VmHWM (peak resident set, from
/// /proc/self/status) minus its VmRSS after the model and optimiser exist, i.e. what the step itself adds.
/// Model: qwen2, 2 layers, d 128, 4 heads (2 kv), tied embeddings, float32, batch 1 x (16 prompt + T) tokens;
/// step = forward, TBRM loss (beta 0.05, reward 1), backward, AdamW; time = the second step (the first warms up).
/// Args: <c>[T list, default 256,1024,4096] [V list, default 32000,151936]</c>.
/// </summary>
public sealed class MemoryScalingBenchmark : IBenchmark
{
    private static readonly string[] Modes = ["whole", "chunked", "recompute"];

    /// <inheritdoc />
    public string Name => "memory-scaling";

    /// <inheritdoc />
    public string Description => "Peak RSS and step time of a TBRM step vs V and T: whole [B,T,V] logits vs chunked vs chunked+recompute";

    /// <inheritdoc />
    public async Task<int> RunAsync(string[] args)
    {
        if (args is ["--one", var oneMode, var oneV, var oneT])
        {
            RunOne(oneMode, int.Parse(oneV, CultureInfo.InvariantCulture), int.Parse(oneT, CultureInfo.InvariantCulture));
            return 0;
        }
        var lengths = List(args, 0, [256, 1024, 4096]);
        var vocabularies = List(args, 1, [32000, 151936]);
        Console.WriteLine("TBRM step memory scaling: qwen2 2 layers d128, tied, float32, B=1, P=16, 1 child process per row, " +
            $"{get_num_threads()} torch threads. peak = VmHWM - RSS before the first step (MB).");
        Console.WriteLine($"{"V",7} {"T",5} | {"whole MB",9} {"chunked MB",10} {"recomp MB",10} {"whole/recomp",12} | {"whole ms",9} {"chunked ms",10} {"recomp ms",10} {"recomp/whole",12}");
        foreach (var v in vocabularies)
        {
            foreach (var t in lengths)
            {
                var results = new Dictionary<string, (double PeakMb, double Ms)>();
                foreach (var mode in Modes)
                {
                    var output = await RlBenchSupport.RunChildAsync("memory-scaling", "--one", mode, Text(v), Text(t));
                    var line = output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal)).Split(' ');
                    results[mode] = (double.Parse(line[1], CultureInfo.InvariantCulture), double.Parse(line[2], CultureInfo.InvariantCulture));
                }
                var (w, c, r) = (results["whole"], results["chunked"], results["recompute"]);
                Console.WriteLine(FormattableString.Invariant(
                    $"{v,7} {t,5} | {w.PeakMb,9:F0} {c.PeakMb,10:F0} {r.PeakMb,10:F0} {w.PeakMb / r.PeakMb,12:F2} | {w.Ms,9:F0} {c.Ms,10:F0} {r.Ms,10:F0} {r.Ms / w.Ms,12:F2}"));
            }
        }
        return 0;
    }

    private static void RunOne(string mode, int vocab, int length)
    {
        TorchRuntime.EnsureLoaded();
        const int Prompt = 16;
        var config = new ModelConfig
        {
            ModelType = "qwen2",
            VocabSize = vocab,
            HiddenSize = 128,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            NumKeyValueHeads = 2,
            IntermediateSize = 352,
            MaxPositionEmbeddings = Prompt + length,
            TieWordEmbeddings = true,
        };
        using var model = ModelFactory.Create(config, seed: 1);
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), 1e-5);
        var options = mode switch
        {
            "whole" => new TokenLogitsOptions { ChunkElements = long.MaxValue, Recompute = false, Entropy = EntropyMode.WithGradient },
            "chunked" => new TokenLogitsOptions { Recompute = false, Entropy = EntropyMode.Detached },
            "recompute" => new TokenLogitsOptions { Recompute = true, Entropy = EntropyMode.Detached },
            _ => throw new ArgumentException($"mode '{mode}' is not one of: {string.Join(", ", Modes)}"),
        };
        using var generator = new Generator(7);
        using var tokens = randint(0, vocab, [1, Prompt + length], generator: generator);
        using var refLp = -rand([1, length], generator: generator) * 5;
        using var mask = ones(1, length);
        using var rewards = ones(1);
        var before = Rss("VmRSS");
        double ms = 0;
        for (var step = 0; step < 2; step++)
        {
            var sw = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            var hidden = model.ForwardHidden(tokens);                                           // [1, P+T, D]
            var states = hidden.narrow(1, Prompt - 1, length);                                  // [1, T, D]
            var stats = TokenLogits.Compute(model.LmHead, states, tokens.narrow(1, Prompt, length), vocab, options);
            var loss = TbrmLoss.Trajectory(new TbrmBatch(stats.LogProbs * mask, stats.Lse, refLp, mask, rewards), new TbrmOptions { Beta = 0.05 }).Loss;
            optimizer.zero_grad();
            loss.backward();
            _ = stats.Entropy?.mean().item<float>();                                            // logged, as the loop does
            optimizer.step();
            ms = sw.Elapsed.TotalMilliseconds;
        }
        Console.WriteLine(FormattableString.Invariant($"RESULT {Rss("VmHWM") - before:F1} {ms:F1}"));
    }

    // A field of /proc/self/status in MB.
    private static double Rss(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return double.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static int[] List(string[] args, int index, int[] fallback) =>
        args.Length > index ? [.. args[index].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : fallback;

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
