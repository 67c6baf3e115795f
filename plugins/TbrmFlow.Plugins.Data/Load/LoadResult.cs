using TbrmFlow.Abstractions.Artifacts;

namespace TbrmFlow.Plugins.Data.Load;

/// <summary>The loaded sets and what was dropped.</summary>
public sealed record LoadResult
{
    /// <summary>Training problems (all of them when test_ratio is 0).</summary>
    public required PromptSet Train { get; init; }

    /// <summary>Held-out problems (empty when test_ratio is 0).</summary>
    public required PromptSet Test { get; init; }

    /// <summary>Rows read from the file.</summary>
    public required int Rows { get; init; }

    /// <summary>Rows dropped as duplicate questions.</summary>
    public required int Duplicates { get; init; }

    /// <summary>Rows dropped by a filter or because no answer could be extracted.</summary>
    public required int Filtered { get; init; }
}
