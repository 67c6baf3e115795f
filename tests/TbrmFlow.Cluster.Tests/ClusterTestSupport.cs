using System.Text.Json.Nodes;

namespace TbrmFlow.Cluster.Tests;

/// <summary>What the tests with real worker processes share: polling with a bound, and the probe's checkpointed step.</summary>
internal static class ClusterTestSupport
{
    /// <summary>How long a test waits for workers before it fails.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    /// <summary>Polls <paramref name="probe"/> every 100 ms until it returns a value; fails with <paramref name="why"/> after <see cref="Long"/>.</summary>
    public static async Task<T> WaitAsync<T>(Func<T?> probe, Func<string> why) where T : class
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < Long)
        {
            if (probe() is { } value)
            {
                return value;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"after 2 minutes: {why()}");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (see <see cref="WaitAsync{T}"/>).</summary>
    public static Task WaitAsync(Func<bool> condition, Func<string> why) => WaitAsync(() => condition() ? why : null, why);

    /// <summary>A stage instance's state directory under a home (the engine's RunState.StateDirectory rule).</summary>
    public static string StateDirectory(string home, string runId, string instanceId) =>
        Path.Combine(home, "runs", runId, "stages", string.Concat(instanceId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or ',' ? c : '_')));

    /// <summary>The last step <c>cluster.probe</c> checkpointed for the instance; 0 before the first (or while the file is being written).</summary>
    public static int ProbeStep(string home, string runId, string instanceId)
    {
        var checkpoint = Path.Combine(StateDirectory(home, runId, instanceId), "probe.json");
        try
        {
            return File.Exists(checkpoint) ? JsonNode.Parse(File.ReadAllText(checkpoint))!["Step"]!.GetValue<int>() : 0;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return 0;
        }
    }
}
