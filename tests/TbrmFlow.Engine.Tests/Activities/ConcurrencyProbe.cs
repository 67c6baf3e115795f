using System.Collections.Concurrent;

namespace TbrmFlow.Engine.Tests.Activities;

/// <summary>Counts how many activities of one group run at the same moment (inside their handlers).</summary>
public static class ConcurrencyProbe
{
    private static readonly ConcurrentDictionary<string, int[]> Groups = new();

    public static IDisposable Enter(string group)
    {
        var slot = Groups.GetOrAdd(group, _ => new int[2]);
        lock (slot)
        {
            slot[0]++;
            slot[1] = Math.Max(slot[1], slot[0]);
        }
        return new Exit(slot);
    }

    public static int Max(string group) => Groups.TryGetValue(group, out var slot) ? slot[1] : 0;

    private sealed class Exit(int[] slot) : IDisposable
    {
        public void Dispose()
        {
            lock (slot)
            {
                slot[0]--;
            }
        }
    }
}
