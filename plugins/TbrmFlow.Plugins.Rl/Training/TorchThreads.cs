using TorchSharp;

namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// Intra-op CPU threads for a stage. On a shared 2-core machine one thread made toy-model steps
/// ~5x faster than libtorch's default of two (the threads spin against other processes).
/// </summary>
public static class TorchThreads
{
    /// <summary>Sets libtorch's intra-op threads when <paramref name="threads"/> &gt; 0; 0 keeps the default.</summary>
    /// <exception cref="ArgumentException">For a negative count.</exception>
    public static void Apply(int threads)
    {
        if (threads < 0)
        {
            throw new ArgumentException($"threads must be >= 0 (0 = libtorch default), got {threads}");
        }
        if (threads > 0)
        {
            torch.set_num_threads(threads);
        }
    }
}
