using TbrmFlow.Server.Services;

namespace TbrmFlow.Server.Comparison;

/// <summary>A run in a comparison.</summary>
/// <param name="Summary">Id, workflow, status, times.</param>
/// <param name="Label">Legend name: workflow and the params that differ (<c>hello seed=3</c>).</param>
/// <param name="Colour">Its colour in every chart and table.</param>
/// <param name="Values">Its params, stage inputs and final metrics.</param>
public sealed record ComparedRun(RunSummaryDto Summary, string Label, string Colour, RunValuesDto Values);
