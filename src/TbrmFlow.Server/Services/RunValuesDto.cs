namespace TbrmFlow.Server.Services;

/// <summary>A run's params and final metrics as MLflow's runs table shows them (for columns and comparisons).</summary>
/// <param name="Id">The run.</param>
/// <param name="Params">Workflow params, nested objects flattened with <c>.</c> (as in MLflow).</param>
/// <param name="StageInputs">Per stage instance, its resolved inputs flattened the same way (artifacts as their hash).</param>
/// <param name="Metrics">The last value of each stage metric, keyed <c>INSTANCE: KEY</c>.</param>
public sealed record RunValuesDto(
    string Id, IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StageInputs, IReadOnlyDictionary<string, double> Metrics);
