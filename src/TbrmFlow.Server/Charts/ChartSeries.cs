namespace TbrmFlow.Server.Charts;

/// <summary>A named line of (x, y) points in x order.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Points">The points (non-finite values are skipped when drawn).</param>
/// <param name="Colour">CSS colour; null picks one from <see cref="ChartColours"/> by position.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string? Colour = null);
