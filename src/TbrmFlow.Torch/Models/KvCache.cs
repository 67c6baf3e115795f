using static TorchSharp.torch;

namespace TbrmFlow.Torch.Models;

/// <summary>
/// Keys and values of every layer for the tokens seen so far, preallocated to a maximum length so
/// that a decoding step writes in place instead of concatenating. Create it with
/// <see cref="CausalLM.CreateCache"/> outside the per-step dispose scopes and dispose it when done.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    internal KvCache(int layers, long batch, int kvHeads, int maxLength, int headDim, ScalarType dtype, Device device)
    {
        MaxLength = maxLength;
        _keys = new Tensor[layers];
        _values = new Tensor[layers];
        using var _ = NewDisposeScope();
        for (var i = 0; i < layers; i++)
        {
            _keys[i] = zeros([batch, kvHeads, maxLength, headDim], dtype, device).DetachFromDisposeScope(); // [B, Hkv, Lmax, Dh]
            _values[i] = zeros([batch, kvHeads, maxLength, headDim], dtype, device).DetachFromDisposeScope();
        }
    }

    /// <summary>Number of positions already stored (the past length of the next forward call).</summary>
    public int Length { get; private set; }

    /// <summary>Capacity in positions.</summary>
    public int MaxLength { get; }

    /// <summary>Stores k, v [B, Hkv, L, Dh] of one layer after the past and returns the full [B, Hkv, past+L, Dh] views.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var l = (int)k.shape[2];
        if (Length + l > MaxLength)
        {
            throw new InvalidOperationException($"KV cache is full: {Length} + {l} positions > capacity {MaxLength}");
        }
        _keys[layer].narrow(2, Length, l).copy_(k);
        _values[layer].narrow(2, Length, l).copy_(v);
        return (_keys[layer].narrow(2, 0, Length + l), _values[layer].narrow(2, 0, Length + l));
    }

    /// <summary>Marks <paramref name="positions"/> more positions as stored (called once per forward, after all layers).</summary>
    internal void Advance(int positions) => Length += positions;

    /// <summary>Keeps only the batch rows in <paramref name="rows"/> (long [B']), e.g. to drop finished sequences.</summary>
    public void SelectRows(Tensor rows)
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            var k = _keys[i].index_select(0, rows);
            var v = _values[i].index_select(0, rows);
            _keys[i].Dispose();
            _values[i].Dispose();
            _keys[i] = k.DetachFromDisposeScope();
            _values[i] = v.DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
