namespace TbrmFlow.Abstractions;

/// <summary>An <see cref="IActivityContextAccessor"/> that flows with the async call (AsyncLocal).</summary>
public sealed class ActivityContextAccessor : IActivityContextAccessor
{
    private static readonly AsyncLocal<IActivityContext?> CurrentContext = new();

    /// <inheritdoc />
    public IActivityContext Current =>
        CurrentContext.Value ?? throw new InvalidOperationException("No activity is running on this call.");

    /// <summary>Sets the context for the rest of this async flow; dispose to restore the previous one.</summary>
    public static IDisposable Enter(IActivityContext context)
    {
        var previous = CurrentContext.Value;
        CurrentContext.Value = context;
        return new Restore(previous);
    }

    private sealed class Restore(IActivityContext? previous) : IDisposable
    {
        public void Dispose() => CurrentContext.Value = previous;
    }
}
