namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// An endless, reproducible walk over a list: epoch e visits the items in a permutation drawn
/// from <c>seed + e</c>. <see cref="Position"/> (items consumed so far) is all a resumed run needs
/// to continue the same walk.
/// </summary>
/// <typeparam name="TItem">The item type (a problem).</typeparam>
public sealed class PromptCursor<TItem>
{
    private readonly IReadOnlyList<TItem> _items;
    private readonly int _seed;
    private int[] _order = [];
    private long _orderEpoch = -1;

    /// <summary>Creates the stream at position 0.</summary>
    /// <exception cref="ArgumentException">When <paramref name="items"/> is empty.</exception>
    public PromptCursor(IReadOnlyList<TItem> items, int seed)
    {
        if (items.Count == 0)
        {
            throw new ArgumentException("the prompt set is empty", nameof(items));
        }
        _items = items;
        _seed = seed;
    }

    /// <summary>Items consumed so far; set it to resume.</summary>
    public long Position { get; set; }

    /// <summary>The next <paramref name="count"/> items (crossing epochs as needed).</summary>
    public IReadOnlyList<TItem> Next(int count)
    {
        var result = new List<TItem>(count);
        for (var i = 0; i < count; i++)
        {
            var epoch = Position / _items.Count;
            if (epoch != _orderEpoch)
            {
                _order = Enumerable.Range(0, _items.Count).ToArray();
                new Random(unchecked(_seed + (int)epoch)).Shuffle(_order);
                _orderEpoch = epoch;
            }
            result.Add(_items[_order[Position % _items.Count]]);
            Position++;
        }
        return result;
    }
}
