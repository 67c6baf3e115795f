using TbrmFlow.Abstractions;
using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Abstractions.Descriptors;

namespace TbrmFlow.Workflows.Tests.Support;

/// <summary>Test-only activity records (no handlers: the validator reads descriptors only).</summary>
public static class TestActivities
{
    public static ActivityCatalog Catalog { get; } = new([typeof(TestActivities).Assembly]);
}

/// <summary>How data is made.</summary>
public enum DataMode
{
    /// <summary>Quick.</summary>
    Fast,
    /// <summary>Thorough.</summary>
    VerySlow,
}

/// <summary>Makes data.</summary>
[Activity("t.data", Category = "test", Description = "Makes data.")]
public sealed record DataRequest : IActivity<DataResult>
{
    /// <summary>How many problems.</summary>
    public int Size { get; init; } = 10;

    /// <summary>Mode.</summary>
    public DataMode Mode { get; init; } = DataMode.Fast;
}

/// <summary>Data outputs.</summary>
public sealed record DataResult
{
    /// <summary>Training set.</summary>
    public PromptSet Train { get; init; } = new("x");

    /// <summary>Count.</summary>
    public int Count { get; init; }
}

/// <summary>Trains.</summary>
[Activity("t.train", Version = 2, Category = "test", Description = "Trains a policy.")]
public sealed record TrainRequest : IActivity<TrainResult>
{
    /// <summary>Prompts to train on.</summary>
    public required PromptSet Prompts { get; init; }

    /// <summary>Learning rate.</summary>
    public double Lr { get; init; } = 0.1;

    /// <summary>Steps.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Seeds.</summary>
    public List<int> Seeds { get; init; } = [];
}

/// <summary>Train outputs.</summary>
public sealed record TrainResult
{
    /// <summary>The policy.</summary>
    public Checkpoint Checkpoint { get; init; } = new("x");

    /// <summary>Final loss.</summary>
    public double Loss { get; init; }
}

/// <summary>Evaluates.</summary>
[Activity("t.eval", Category = "test", Description = "Scores a policy.")]
public sealed record EvalRequest : IActivity<EvalResult>
{
    /// <summary>The policy.</summary>
    public required Checkpoint Checkpoint { get; init; }

    /// <summary>Held-out problems.</summary>
    public PromptSet? Problems { get; init; }
}

/// <summary>Eval outputs.</summary>
public sealed record EvalResult
{
    /// <summary>Score.</summary>
    public double Score { get; init; }
}
