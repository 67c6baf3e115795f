using TbrmFlow.Tracking.Local;

namespace TbrmFlow.Tracking.Compare;

/// <summary>One panel of a <see cref="MetricChart"/>: one stage's metric, with its own y axis.</summary>
/// <param name="Title">The panel's title, e.g. <c>fit · train/loss ↓</c>.</param>
/// <param name="Lines">Its lines.</param>
public sealed record ChartPanel(string Title, IReadOnlyList<ChartLine> Lines);

/// <summary>A line of a <see cref="ChartPanel"/>.</summary>
/// <param name="Label">Legend text (a run's label, or a stage's name).</param>
/// <param name="Colour">Palette index, the same for a run in every panel.</param>
/// <param name="Points">Its values.</param>
public sealed record ChartLine(string Label, int Colour, IReadOnlyList<MetricPoint> Points);
