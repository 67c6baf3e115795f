namespace TbrmFlow.Plugins.Eval.Rewards;

/// <summary>The reward registry: an unknown name fails with the list of valid names.</summary>
public static class RewardFunctions
{
    private static readonly Dictionary<string, Func<IRewardFunction>> Factories = new(StringComparer.Ordinal)
    {
        ["exact"] = () => new ExactReward(),
        ["math"] = () => new MathReward(),
        ["exact+format"] = () => new FormatBonusReward(new ExactReward()),
        ["math+format"] = () => new FormatBonusReward(new MathReward()),
    };

    /// <summary>Valid names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The reward function called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">For an unknown name; the message lists the valid ones.</exception>
    public static IRewardFunction Get(string name) =>
        name is not null && Factories.TryGetValue(name, out var make)
            ? make()
            : throw new ArgumentException($"unknown reward function '{name}'; valid names: {string.Join(", ", Names)}", nameof(name));
}
