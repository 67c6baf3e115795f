namespace TbrmFlow.Server.Charts;

/// <summary>The colours of chart series (Tableau 10), so a run has the same colour in every chart of a page.</summary>
public static class ChartColours
{
    /// <summary>The palette.</summary>
    public static IReadOnlyList<string> Palette { get; } = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac"];

    /// <summary>The colour of the <paramref name="index"/>-th series.</summary>
    public static string At(int index) => Palette[index % Palette.Count];
}
