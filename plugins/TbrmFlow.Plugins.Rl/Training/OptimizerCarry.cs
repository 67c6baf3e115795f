using System.Text.Json;
using TbrmFlow.Torch.Checkpoints;
using TorchSharp.Modules;

namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// The AdamW state a Checkpoint artifact may carry next to its weights: <c>optimizer.bin</c> (moments
/// and per-parameter step counts, TorchSharp's state-dict format), named by
/// <see cref="TrainingState.OptimizerStateFile"/>, and the number of optimiser steps it has taken in
/// <c>tbrmflow.json</c> (<c>optimizer_steps</c>). Chained rl.tbrm.update stages (a repeat) continue one
/// optimiser this way instead of restarting AdamW every iteration.
/// </summary>
public static class OptimizerCarry
{
    /// <summary>The state file's name inside the checkpoint directory.</summary>
    public const string FileName = "optimizer.bin";

    /// <summary>The <c>tbrmflow.json</c> field with the optimiser steps the state has taken.</summary>
    public const string StepsField = "optimizer_steps";

    /// <summary>Whether <paramref name="state"/> names an optimiser state file.</summary>
    public static bool Carries(TrainingState state) => state.OptimizerStateFile is not null;

    /// <summary>The optimiser steps recorded in <paramref name="state"/> (0 when none).</summary>
    public static long Steps(TrainingState state) =>
        state.Extra.TryGetValue(StepsField, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var steps) ? steps : 0;

    /// <summary>Loads the state that <paramref name="checkpointDirectory"/> carries into <paramref name="optimizer"/>.</summary>
    /// <exception cref="InvalidDataException">When the file is missing or does not fit the optimiser's parameters.</exception>
    public static void Load(string checkpointDirectory, TrainingState state, OptimizerHelper optimizer)
    {
        var path = Path.Combine(checkpointDirectory, state.OptimizerStateFile ?? FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{checkpointDirectory}: tbrmflow.json names the optimiser state '{state.OptimizerStateFile}' but the file is missing; set reset_optimizer: true to start a fresh optimiser");
        }
        try
        {
            optimizer.load_state_dict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InvalidDataException)
        {
            throw new InvalidDataException($"{path}: the optimiser state does not fit this policy ({e.Message}); set reset_optimizer: true to start a fresh optimiser", e);
        }
    }

    /// <summary>Writes the optimiser's state into <paramref name="directory"/> and returns <paramref name="state"/> naming it, with <paramref name="steps"/>.</summary>
    public static TrainingState Save(string directory, OptimizerHelper optimizer, TrainingState state, long steps)
    {
        optimizer.save_state_dict(Path.Combine(directory, FileName));
        return state with
        {
            OptimizerStateFile = FileName,
            Extra = new Dictionary<string, JsonElement>(state.Extra) { [StepsField] = JsonSerializer.SerializeToElement(steps) },
        };
    }
}
