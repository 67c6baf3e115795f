using TbrmFlow.Abstractions.Artifacts;
using TbrmFlow.Plugins.Rl.Sft;

namespace TbrmFlow.Plugins.Rl.Tests.Support;

/// <summary>
/// Shared by the RL tests: 1-digit sums (a+b=, a, b in 0..9) and a toy policy warm-started by
/// rl.sft for a few dozen steps, so that sampled answers are partly right.
/// </summary>
public sealed class TinyPolicy : IDisposable
{
    public TinyPolicy()
    {
        Root = Path.Combine(Path.GetTempPath(), "tbrmflow-rl-tests", Guid.NewGuid().ToString("N"));
        var problems = new List<Problem>();
        for (var a = 0; a < 10; a++)
        {
            for (var b = 0; b < 10; b++)
            {
                problems.Add(new Problem { Id = $"p{a}{b}", Question = $"{a}+{b}=", Answer = (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }
        var dir = Path.Combine(Root, "prompts");
        PromptSetFiles.Write(dir, problems, "test: 1-digit sums");
        Prompts = new PromptSet(dir);
        var context = new RecordingContext(Root, "sft");
        var result = context.Run(accessor => new SftHandler(accessor).Handle(new SftRequest
        {
            Train = Prompts,
            Steps = 60,
            BatchSize = 64,
            LearningRate = 3e-3,
            WarmupSteps = 5,
            LogEvery = 10,
            Threads = 1,
        }, CancellationToken.None)).GetAwaiter().GetResult();
        Policy = result.Checkpoint;
        SftLosses = [.. context.Metrics.Select(m => m.Metrics["train/loss"])];
    }

    public string Root { get; }
    public PromptSet Prompts { get; }
    public Checkpoint Policy { get; }
    public IReadOnlyList<double> SftLosses { get; }

    public string NewDirectory() => Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TinyPolicyGroup : ICollectionFixture<TinyPolicy>
{
    public const string Name = "tiny policy";
}
