using TbrmFlow.Server.Comparison;
using TbrmFlow.Server.Services;
using TbrmFlow.Tracking.Compare;

namespace TbrmFlow.Server.Tests.Charts;

/// <summary>The comparison's tables: param diff rows, final values and the best run by direction.</summary>
public sealed class ComparisonModelTests
{
    private static (RunSummaryDto, RunValuesDto, IReadOnlyList<MetricPointDto>) Run(string id, string seed, double loss, double reward) => (
        new RunSummaryDto(id, "quick", "succeeded", DateTime.UtcNow, DateTime.UtcNow, null, false),
        new RunValuesDto(id, new Dictionary<string, string> { ["seed"] = seed, ["beta"] = "0.05" },
            new Dictionary<string, IReadOnlyDictionary<string, string>> { ["sft"] = new Dictionary<string, string> { ["steps"] = "400" } },
            new Dictionary<string, double>()),
        [new("sft", 1, "train/loss", loss * 3), new("sft", 2, "train/loss", loss), new("tbrm", 1, "train/reward_mean", reward / 2), new("tbrm", 2, "train/reward_mean", reward),
         new("evaluate", 0, "eval/avg@1", reward)]);

    [Fact]
    public void Best_IsTheLowestLoss_AndTheHighestReward()
    {
        var model = ComparisonModel.Build([Run("a", "1", loss: 0.2, reward: 0.7), Run("b", "2", loss: 0.1, reward: 0.5)]);
        Assert.Equal(["quick seed=1", "quick seed=2"], model.Runs.Select(r => r.Label));
        var loss = model.Metrics.Single(m => m.Key == "train/loss");
        Assert.Equal((MetricGoal.Lower, 1), (loss.Goal, loss.Best!.Value));
        Assert.Equal([0.2, 0.1], loss.Values);
        var reward = model.Metrics.Single(m => m.Key == "train/reward_mean");
        Assert.Equal(0, reward.Best);
        Assert.True(model.Metrics.Single(m => m.Key == "eval/avg@1").IsSingle);
        Assert.Equal(["sft", "tbrm"], model.Charts.Select(c => c.Stage));
        Assert.Equal(["quick seed=1", "quick seed=2"], model.Charts[0].Series.Select(s => s.Name));
    }

    [Fact]
    public void ParamRows_MarkTheDifferingOnes()
    {
        var model = ComparisonModel.Build([Run("a", "1", 0.2, 0.7), Run("b", "2", 0.1, 0.5)]);
        Assert.Equal([("beta", false), ("seed", true)], model.Params.Select(r => (r.Key, r.Differs)));
        Assert.Equal([("sft", "steps", false)], model.StageInputs.Select(r => (r.Group, r.Key, r.Differs)));
    }

    [Fact]
    public void NoBest_WithoutADirection_OrWithEqualValues()
    {
        Assert.Null(new MetricRow("data", "data/train_size", MetricGoal.None, [256, 512], [1, 1]).Best);
        Assert.Null(new MetricRow("fit", "train/loss", MetricGoal.Lower, [0.1, 0.1], [2, 2]).Best);
        Assert.Null(new MetricRow("fit", "train/loss", MetricGoal.Lower, [0.1, null], [2, 0]).Best);
    }
}
