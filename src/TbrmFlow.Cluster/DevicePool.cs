namespace TbrmFlow.Cluster;

/// <summary>
/// The GPUs of one worker (<c>--gpus 0,1</c>): a GPU stage takes as many free devices as it asks for
/// (at most all of them) and gives them back when it ends, so two slots never share a device.
/// </summary>
/// <param name="devices">Device indices; empty when the worker pins nothing.</param>
public sealed class DevicePool(IReadOnlyList<int> devices)
{
    private readonly Lock _gate = new();
    private readonly List<int> _free = [.. devices];

    /// <summary>All devices of the worker.</summary>
    public IReadOnlyList<int> Devices => devices;

    /// <summary>Takes <paramref name="count"/> free devices (waiting for them); dispose the lease to return them.</summary>
    public async Task<Lease> TakeAsync(int count, CancellationToken cancellationToken)
    {
        count = Math.Min(count, devices.Count);
        if (count <= 0)
        {
            return new Lease(this, []);
        }
        while (true)
        {
            lock (_gate)
            {
                if (_free.Count >= count)
                {
                    var taken = _free.Take(count).ToList();
                    _free.RemoveRange(0, count);
                    return new Lease(this, taken);
                }
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Devices taken from the pool.</summary>
    public sealed class Lease(DevicePool pool, IReadOnlyList<int> taken) : IDisposable
    {
        /// <summary>The devices.</summary>
        public IReadOnlyList<int> Devices => taken;

        /// <inheritdoc />
        public void Dispose()
        {
            lock (pool._gate)
            {
                pool._free.AddRange(taken);
                pool._free.Sort();
            }
        }
    }
}
