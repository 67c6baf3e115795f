using static TorchSharp.torch;

namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// Reads a step's metric tensors to the host in one transfer: the loop calls this once per step
/// (the only host sync besides sampling), losses never do.
/// </summary>
public static class MetricReader
{
    /// <summary>0-d tensors by name -> doubles by name, prefixed with <paramref name="prefix"/>.</summary>
    public static Dictionary<string, double> Read(IReadOnlyDictionary<string, Tensor> metrics, string prefix = "")
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (metrics.Count == 0)
        {
            return result;
        }
        using var scope = NewDisposeScope();
        var keys = metrics.Keys.ToArray();
        var stacked = stack(keys.Select(k => metrics[k].detach().reshape(1).to_type(ScalarType.Float64).cpu()).ToArray()); // [K, 1]
        var values = stacked.data<double>().ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            result[prefix + keys[i]] = values[i];
        }
        return result;
    }
}
