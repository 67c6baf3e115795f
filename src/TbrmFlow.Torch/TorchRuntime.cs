using TorchSharp;

namespace TbrmFlow.Torch;

/// <summary>Loads libtorch once, seeds it, and picks the device.</summary>
public static class TorchRuntime
{
    /// <summary>
    /// Environment variable read once at load: the number of intra-op threads libtorch uses.
    /// Small models on a busy 2-core machine run ~10x faster with 1 (OpenMP threads spin-wait
    /// for each other when the cores are shared); see docs/models.md.
    /// </summary>
    public const string ThreadsVariable = "TBRMFLOW_TORCH_THREADS";

    private static int _threadsApplied;

    /// <summary>
    /// Forces the native libraries to load now, so that a broken install fails with its real cause
    /// at start rather than inside the first stage.
    /// </summary>
    /// <exception cref="InvalidOperationException">With the loader's message and a pointer to the fix.</exception>
    public static void EnsureLoaded()
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                "libtorch could not be loaded: " + e.Message + " (see docs/torchsharp-on-debian12.md; run 'ldd' on libLibTorchSharp.so in the output folder)", e);
        }
        if (Interlocked.Exchange(ref _threadsApplied, 1) == 0
            && int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var threads) && threads > 0)
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>Sets libtorch's intra-op thread count (see <see cref="ThreadsVariable"/>).</summary>
    public static void SetThreads(int threads)
    {
        EnsureLoaded();
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        torch.set_num_threads(threads);
    }

    /// <summary>Seeds libtorch's generators (CPU and, when present, CUDA).</summary>
    public static void Seed(long seed)
    {
        EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available())
        {
            torch.cuda.manual_seed_all(seed);
        }
    }

    /// <summary>Resolves a stage's device name with the GPUs its worker assigned (see <see cref="DeviceName"/>).</summary>
    /// <param name="name">auto, cpu, cuda or cuda:N.</param>
    /// <param name="assigned">GPUs a cluster worker assigned to this stage (empty: none).</param>
    public static torch.Device ResolveDevice(string name, IReadOnlyList<int> assigned) => ResolveDevice(DeviceName(name, assigned));

    /// <summary>
    /// The device a stage uses when a worker assigned it GPUs (<paramref name="assigned"/>, from the activity
    /// context; empty on a single machine): <c>auto</c> and <c>cuda</c> become <c>cuda:N</c> for the first assigned
    /// device, so parallel GPU stages on one worker never share a card; <c>cpu</c> and an explicit <c>cuda:N</c> stay.
    /// </summary>
    public static string DeviceName(string name, IReadOnlyList<int> assigned) =>
        assigned.Count > 0 && name is "auto" or "cuda" ? $"cuda:{assigned[0]}" : name;

    /// <summary>Resolves a device name: <c>auto</c> (CUDA when available, else CPU), <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</summary>
    /// <exception cref="ArgumentException">For any other name, listing the allowed ones.</exception>
    public static torch.Device ResolveDevice(string name)
    {
        EnsureLoaded();
        return name switch
        {
            "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
            "cpu" => torch.CPU,
            _ when name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal) => new torch.Device(name),
            _ => throw new ArgumentException($"device '{name}' is not one of: auto, cpu, cuda, cuda:N", nameof(name)),
        };
    }
}
