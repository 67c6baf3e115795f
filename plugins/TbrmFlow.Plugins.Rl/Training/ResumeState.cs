using TbrmFlow.Torch.Checkpoints;
using TbrmFlow.Torch.Models;
using TbrmFlow.Torch.Tokenization;
using TorchSharp.Modules;

namespace TbrmFlow.Plugins.Rl.Training;

/// <summary>
/// The resumable state of a training stage in its StateDirectory: <c>resume/</c> is a checkpoint
/// (Hugging Face layout) whose <c>tbrmflow.json</c> holds the step and data position, plus the
/// optimiser state (<c>optimizer.bin</c>) and any extra files of the algorithm (a critic). It is
/// written to <c>resume.tmp/</c> first and renamed, so an interruption never leaves half a state.
/// </summary>
public static class ResumeState
{
    /// <summary>The directory name inside the StateDirectory.</summary>
    public const string DirectoryName = "resume";

    /// <summary>The optimiser state file name.</summary>
    public const string OptimizerFile = "optimizer.bin";

    /// <summary>Writes the state; <paramref name="extra"/> may add files to the directory before it is published.</summary>
    public static void Save(string stateDirectory, CausalLM model, ITokenizer tokenizer, OptimizerHelper optimizer, TrainingState state, Action<string>? extra = null)
    {
        var final = Path.Combine(stateDirectory, DirectoryName);
        var staging = final + ".tmp";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        ModelCheckpoint.Save(staging, model, tokenizer, state with { OptimizerStateFile = OptimizerFile });
        optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
        extra?.Invoke(staging);
        if (Directory.Exists(final))
        {
            Directory.Delete(final, recursive: true);
        }
        Directory.Move(staging, final);
    }

    /// <summary>The saved state, or null when this stage has not saved one yet.</summary>
    public static TrainingState? Find(string stateDirectory)
    {
        var dir = Path.Combine(stateDirectory, DirectoryName);
        return File.Exists(Path.Combine(dir, TrainingState.FileName)) ? TrainingState.Load(dir) : null;
    }

    /// <summary>
    /// The saved state when it can continue a run of <paramref name="totalSteps"/> (0 &lt; step &lt; total), else null.
    /// A state at or beyond <paramref name="totalSteps"/> (the <c>steps</c> input was lowered since it was written)
    /// is ignored with a log line and training starts over, so a resumed stage never finishes with zero steps.
    /// </summary>
    public static TrainingState? FindResumable(string stateDirectory, long totalSteps, Action<string> log)
    {
        var saved = Find(stateDirectory);
        if (saved is null || saved.Step <= 0)
        {
            return null;
        }
        if (saved.Step >= totalSteps)
        {
            log($"warning: the saved state is at step {saved.Step} but steps is {totalSteps}: it is ignored and training starts from step 1");
            return null;
        }
        return saved;
    }

    /// <summary>Loads the saved weights and optimiser state into <paramref name="model"/> and <paramref name="optimizer"/>.</summary>
    public static string LoadInto(string stateDirectory, CausalLM model, OptimizerHelper optimizer)
    {
        var dir = Path.Combine(stateDirectory, DirectoryName);
        StateDictIO.Load(model, dir);
        optimizer.load_state_dict(Path.Combine(dir, OptimizerFile));
        return dir;
    }
}
