using System.Text.Json.Nodes;

namespace TbrmFlow.Engine.Running;

/// <summary>
/// Finished stage outputs, from which each instance's <c>stages</c> scope is built. A plain stage id
/// of a matrix stage gives each output as a list over its instances (in cell order); an instance id
/// gives that instance. Sub-stages of a repeat look up outer stages through the parent table.
/// </summary>
/// <param name="parent">The enclosing table (for sub-stages of a repeat), or null.</param>
internal sealed class OutputTable(OutputTable? parent)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JsonObject> _byInstance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _instancesByStage = new(StringComparer.Ordinal);

    public void Declare(string stageId, string instanceId)
    {
        lock (_gate)
        {
            if (!_instancesByStage.TryGetValue(stageId, out var list))
            {
                _instancesByStage[stageId] = list = [];
            }
            list.Add(instanceId);
        }
    }

    public void Set(string instanceId, JsonObject outputs)
    {
        lock (_gate)
        {
            _byInstance[instanceId] = outputs;
        }
    }

    /// <summary>A <c>stages</c> object holding the entries for <paramref name="keys"/> (clones).</summary>
    public JsonObject Scope(IEnumerable<string> keys)
    {
        var result = new JsonObject();
        foreach (var key in keys)
        {
            if (!result.ContainsKey(key) && Lookup(key) is { } entry)
            {
                result[key] = entry;
            }
        }
        return result;
    }

    private JsonObject? Lookup(string key)
    {
        lock (_gate)
        {
            if (_instancesByStage.TryGetValue(key, out var ids))
            {
                if (ids.Count == 1 && ids[0] == key)
                {
                    return _byInstance.TryGetValue(key, out var single) ? new JsonObject { ["outputs"] = single.DeepClone() } : null;
                }
                var lists = new JsonObject();
                foreach (var id in ids)
                {
                    foreach (var (name, value) in _byInstance.GetValueOrDefault(id) ?? [])
                    {
                        if (lists[name] is not JsonArray list)
                        {
                            lists[name] = list = [];
                        }
                        list.Add(value?.DeepClone());
                    }
                }
                return new JsonObject { ["outputs"] = lists };
            }
            if (_byInstance.TryGetValue(key, out var outputs))
            {
                return new JsonObject { ["outputs"] = outputs.DeepClone() };
            }
        }
        return parent?.Lookup(key);
    }
}
