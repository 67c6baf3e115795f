namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>All scored samples of one problem, in generation order.</summary>
/// <param name="Id">The problem id.</param>
/// <param name="Reference">The reference answer.</param>
/// <param name="Samples">Scored samples; the first k are used for avg@k and maj@k.</param>
public sealed record ProblemSamples(string Id, string Reference, IReadOnlyList<ScoredSample> Samples);
