using System.Text.Json;
using System.Text.Json.Serialization;
using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Torch.Checkpoints;

/// <summary>
/// Our own <c>tbrmflow.json</c> beside the Hugging Face files: where training stood when the
/// checkpoint was written. Unknown fields are kept in <see cref="Extra"/>, so a plugin can add
/// its own (e.g. <c>"tbrm": {...}</c>) and they survive a load/save round trip.
/// </summary>
public sealed record TrainingState
{
    /// <summary>The file name inside the checkpoint directory.</summary>
    public const string FileName = "tbrmflow.json";

    /// <summary>Optimiser steps taken so far.</summary>
    public long Step { get; init; }

    /// <summary>Name of the optimiser state file in the checkpoint directory (PyTorch format through PyBridge), or null.</summary>
    public string? OptimizerStateFile { get; init; }

    /// <summary>State of the sampling/training random generator, base64 (see <see cref="RngState"/>), or null.</summary>
    public string? RngState { get; init; }

    /// <summary>Position in the training data (e.g. examples consumed), for resuming.</summary>
    public long DataPosition { get; init; }

    /// <summary>Where this checkpoint came from: parent checkpoint paths/hashes and the producing stage, oldest first.</summary>
    public List<string> Lineage { get; init; } = [];

    /// <summary>The activity that wrote it (e.g. <c>rl.tbrm</c>), or null.</summary>
    public string? Producer { get; init; }

    /// <summary>Fields added by other code; written back unchanged.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Extra { get; init; } = [];

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Reads <c>tbrmflow.json</c> from a checkpoint directory; a missing file gives the default (step 0).</summary>
    public static TrainingState Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return new TrainingState();
        }
        try
        {
            return JsonSerializer.Deserialize<TrainingState>(File.ReadAllText(path), Options) ?? new TrainingState();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {JsonLines.Describe(e)}", e);
        }
    }

    /// <summary>Writes <c>tbrmflow.json</c> into <paramref name="directory"/>.</summary>
    public void Save(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Options) + "\n");
}
