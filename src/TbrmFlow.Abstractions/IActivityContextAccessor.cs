namespace TbrmFlow.Abstractions;

/// <summary>
/// Gives a handler the context of the activity it is running. Requests carry only inputs, so the
/// engine sets the context around each dispatch and handlers take this accessor in their constructor.
/// </summary>
public interface IActivityContextAccessor
{
    /// <summary>The context of the activity running on this async flow.</summary>
    /// <exception cref="InvalidOperationException">When no activity is running.</exception>
    IActivityContext Current { get; }
}
