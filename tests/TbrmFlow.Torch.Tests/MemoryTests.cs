using System.Diagnostics;
using TbrmFlow.Torch.Generation;

namespace TbrmFlow.Torch.Tests;

public class MemoryTests
{
    /// <summary>Resident set size after a full GC (native tensors freed by dispose scopes show up here).</summary>
    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var p = Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    [Fact]
    public void Rss_DoesNotGrow_Over500GenerateCalls()
    {
        using var model = TestModels.Create(seed: 7);
        var tok = TestModels.Tokenizer();
        var prompts = new[] { "12+34=", "7+8=", "999+1=" };
        var options = new GenerationOptions { NumSamples = 2, MaxNewTokens = 6 };
        void Call(int i)
        {
            using var r = TextGenerator.Generate(model, tok, prompts, options with { Seed = i });
            using var batch = r.ToSequenceBatch();
        }
        for (var i = 0; i < 50; i++)
        {
            Call(i);      // warm-up: allocator pools and JIT settle
        }
        var before = Rss();
        for (var i = 0; i < 500; i++)
        {
            Call(i);
        }
        var growth = Rss() - before;
        // Each call allocates ~100 tensors; a leak of even one small [6, 19, 14] float tensor per call
        // would not show, but a leaked KV cache (2 layers x 2 x [6, 4, 19, 16] floats = 58 KB) per call
        // would add ~29 MB. Bound: 16 MB.
        Assert.True(growth < 16L << 20, $"RSS grew by {growth / (1 << 20)} MB over 500 calls");
    }
}
