namespace TbrmFlow.Plugins.Rl.Losses;

/// <summary>The registry of TBRM loss variants, selected by name (<c>variant:</c> in YAML).</summary>
public static class TbrmVariants
{
    /// <summary>The paper's trajectory-level residual (default).</summary>
    public const string Tbrm = "tbrm";

    /// <summary>Per-token Bellman residual, an ablation.</summary>
    public const string TokenBrm = "token_brm";

    private static readonly Dictionary<string, Func<TbrmBatch, TbrmOptions, LossResult>> Registry = new(StringComparer.Ordinal)
    {
        [Tbrm] = TbrmLoss.Trajectory,
        [TokenBrm] = TbrmLoss.TokenBrm,
    };

    /// <summary>Valid names.</summary>
    public static IReadOnlyCollection<string> Names => Registry.Keys;

    /// <summary>The loss function for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Naming the valid variants.</exception>
    public static Func<TbrmBatch, TbrmOptions, LossResult> Get(string name) =>
        Registry.TryGetValue(name, out var loss)
            ? loss
            : throw new ArgumentException($"variant '{name}' is not one of: {string.Join(", ", Registry.Keys)}");
}
