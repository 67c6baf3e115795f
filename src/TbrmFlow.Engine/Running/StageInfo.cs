using System.Text.Json.Nodes;

namespace TbrmFlow.Engine.Running;

/// <summary>What observers learn about a stage instance when an attempt starts.</summary>
public sealed record StageInfo
{
    /// <summary>The workflow run's id.</summary>
    public required string RunId { get; init; }

    /// <summary>Instance id, e.g. <c>evaluate[policy=sft]</c>.</summary>
    public required string StageId { get; init; }

    /// <summary>The activity type, e.g. <c>rl.tbrm</c>.</summary>
    public required string Activity { get; init; }

    /// <summary>The activity's version.</summary>
    public required int ActivityVersion { get; init; }

    /// <summary>Resolved inputs (snake_case), artifacts as <c>{kind, path, hash}</c>.</summary>
    public required JsonObject Inputs { get; init; }

    /// <summary>1-based attempt number.</summary>
    public required int Attempt { get; init; }
}
