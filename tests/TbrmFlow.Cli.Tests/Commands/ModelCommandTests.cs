using System.Diagnostics;
using System.Text.Json;
using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models.Qwen2;
using TbrmFlow.Torch.Scoring;
using static TorchSharp.torch;

namespace TbrmFlow.Cli.Tests.Commands;

/// <summary>Runs <c>tbrmflow model init|generate|score</c> as processes and checks exit codes and output.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path_(string name) => Path.Combine(_dir, name);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tbrmflow.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["TBRMFLOW_TORCH_THREADS"] = "1";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private string Init(string family = "qwen2")
    {
        var dir = Path_("ckpt-" + family);
        var (code, _, err) = Run("model", "init", "--preset", "toy", "--family", family, "--tokenizer", "char:0123456789+=", "--out", dir, "--seed", "4", "--max-positions", "64");
        Assert.True(code == 0, err);
        return dir;
    }

    [Fact]
    public void Init_Qwen2_WritesACheckpointThatLoadsBackByName()
    {
        var dir = Init();
        var (code, stdout, err) = Run("model", "init", "--preset", "toy", "--family", "qwen2", "--tokenizer", "char:0123456789+=", "--out", Path_("again"), "--seed", "4", "--max-positions", "64", "--json");
        Assert.True(code == 0, err);
        var parameters = JsonDocument.Parse(stdout).RootElement.GetProperty("parameters").GetInt64();

        using var loaded = ModelCheckpoint.Load(dir);
        Assert.IsType<Qwen2Model>(loaded.Model);
        Assert.Equal(parameters, loaded.Model.ParameterCount);
        Assert.Contains("model.layers.1.self_attn.q_proj.bias", loaded.Model.state_dict().Keys);
        Assert.Equal("model init", loaded.State.Producer);
        // Same seed -> same weights in both directories.
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "model.safetensors")), File.ReadAllBytes(Path.Combine(Path_("again"), "model.safetensors")));
    }

    [Fact]
    public void Generate_SameSeed_SameSamples()
    {
        var dir = Init("gpt2");
        string[] args = ["model", "generate", "--checkpoint", dir, "--prompt", "12+3=", "--prompt", "4+4=", "--n", "3", "--seed", "9", "--max-new-tokens", "6", "--json"];
        var (code, first, err) = Run(args);
        Assert.True(code == 0, err);
        var (_, second, _) = Run(args);
        Assert.Equal(first, second);
        var samples = JsonDocument.Parse(first).RootElement.GetProperty("samples");
        Assert.Equal(6, samples.GetArrayLength());
        Assert.All(samples.EnumerateArray(), s => Assert.InRange(s.GetProperty("tokens").GetInt32(), 1, 6));
    }

    [Fact]
    public void Score_PrintsTheSameLogProbsAsTheScorer()
    {
        var dir = Init();
        var input = Path_("in.jsonl");
        File.WriteAllText(input, "{\"prompt\":\"1+1=\",\"response\":\"2\"}\n\n{\"prompt\":\"20+22=\",\"response\":\"42\"}\n");
        var (code, stdout, err) = Run("model", "score", "--checkpoint", dir, "--input", input, "--json");
        Assert.True(code == 0, err);
        var results = JsonDocument.Parse(stdout).RootElement.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal(3, results[1].GetProperty("line").GetInt32());

        using var ckpt = ModelCheckpoint.Load(dir);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var batch = Batching.FromText(ckpt.Tokenizer, ["1+1=", "20+22="], ["2", "42"]);
        var lp = Scorer.TokenLogProbs(ckpt.Model, batch);
        var printed = results[1].GetProperty("logprobs").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(3, printed.Length);                                    // "4", "2", EOS
        for (var t = 0; t < 3; t++)
        {
            Assert.Equal(lp[1, t].item<float>(), printed[t], 5);
        }
        Assert.Equal(printed.Sum(), results[1].GetProperty("sum").GetDouble(), 4);
        Assert.Equal(2, results[0].GetProperty("logprobs").GetArrayLength());
    }

    [Fact]
    public void Score_BatchesByRealLengths_NotByPaddedPromptPlusPaddedResponse()
    {
        var dir = Init();                                                   // max_position_embeddings 64
        var longPrompt = string.Concat(Enumerable.Repeat("12+", 13)) + "1=";   // 41 tokens
        var longResponse = string.Concat(Enumerable.Repeat("9", 40));          // 40 tokens + EOS
        // Each pair fits (43 and 45 tokens); padded together they would need 41 + 41 = 82 > 64 positions.
        var input = Path_("mixed.jsonl");
        File.WriteAllText(input, $"{{\"prompt\":\"{longPrompt}\",\"response\":\"7\"}}\n{{\"prompt\":\"1+1=\",\"response\":\"{longResponse}\"}}\n");
        var (code, stdout, err) = Run("model", "score", "--checkpoint", dir, "--input", input, "--json");
        Assert.True(code == 0, err);
        var results = JsonDocument.Parse(stdout).RootElement.GetProperty("results");
        Assert.Equal([1, 2], results.EnumerateArray().Select(r => r.GetProperty("line").GetInt32()));    // input order kept

        using var ckpt = ModelCheckpoint.Load(dir);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pairs = new[] { (longPrompt, "7"), ("1+1=", longResponse) };
        for (var i = 0; i < 2; i++)
        {
            using var alone = Batching.FromText(ckpt.Tokenizer, [pairs[i].Item1], [pairs[i].Item2]);
            var lp = Scorer.TokenLogProbs(ckpt.Model, alone);
            var printed = results[i].GetProperty("logprobs").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(pairs[i].Item2.Length + 1, printed.Length);
            for (var t = 0; t < printed.Length; t++)
            {
                Assert.True(Math.Abs(lp[0, t].item<float>() - printed[t]) < 1e-4, $"pair {i} token {t}: {printed[t]} vs {lp[0, t].item<float>()}");
            }
        }

        var tooLong = Path_("long.jsonl");
        File.WriteAllText(tooLong, $"{{\"prompt\":\"1+1=\",\"response\":\"2\"}}\n{{\"prompt\":\"{longPrompt}\",\"response\":\"{longResponse}\"}}\n");
        (code, _, err) = Run("model", "score", "--checkpoint", dir, "--input", tooLong);
        Assert.Equal(2, code);
        Assert.Contains("long.jsonl:2: prompt + response (82 tokens) exceed max_position_embeddings (64)", err);
    }

    [Fact]
    public void BadInput_ExitsTwo_WithFileLineOrField()
    {
        var dir = Init("gpt2");
        var malformed = Path_("bad.jsonl");
        File.WriteAllText(malformed, "{\"prompt\":\"1+1=\",\"response\":\"2\"}\n{\"prompt\": 1}\n");
        var (code, _, err) = Run("model", "score", "--checkpoint", dir, "--input", malformed);
        Assert.Equal(2, code);
        Assert.Contains("bad.jsonl:2: \"prompt\" (a string) is missing", err);

        var unknownChar = Path_("chars.jsonl");
        File.WriteAllText(unknownChar, "{\"prompt\":\"1+1=\",\"response\":\"2\"}\n{\"prompt\":\"1+x=\",\"response\":\"2\"}\n");
        (code, _, err) = Run("model", "score", "--checkpoint", dir, "--input", unknownChar);
        Assert.Equal(2, code);
        Assert.Contains("chars.jsonl:2: character 'x' at index 2", err);

        (code, _, err) = Run("model", "generate", "--checkpoint", Path_("missing"), "--prompt", "1");
        Assert.Equal(2, code);
        Assert.Contains("checkpoint directory not found", err);

        (code, _, err) = Run("model", "init", "--preset", "huge", "--out", Path_("x"));
        Assert.Equal(2, code);
        Assert.Contains("preset 'huge' is not one of: toy, tiny, small", err);
        Assert.DoesNotContain("   at ", err);
    }
}
