namespace TbrmFlow.Workflows.Model;

/// <summary>Retry: up to <see cref="Attempts"/> attempts in all; the wait before retry k is <c>backoff * 2^(k-1)</c>.</summary>
/// <param name="Attempts">Total attempts (1 = no retry).</param>
/// <param name="Backoff">The wait before the first retry.</param>
public sealed record RetryPolicy(int Attempts, TimeSpan Backoff)
{
    /// <summary>One attempt, no retry.</summary>
    public static RetryPolicy None { get; } = new(1, TimeSpan.FromSeconds(1));

    /// <summary>The wait before attempt <paramref name="nextAttempt"/> (2, 3, ...), at most <see cref="Parsing.WorkflowLimits.MaxDuration"/>.</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var seconds = Backoff.TotalSeconds * Math.Pow(2, Math.Max(0, nextAttempt - 2));
        return TimeSpan.FromSeconds(Math.Min(seconds, Parsing.WorkflowLimits.MaxDurationSeconds));
    }
}
