namespace TbrmFlow.Server.Comparison;

/// <summary>A param or stage input across the compared runs.</summary>
/// <param name="Group">Empty for workflow params, else the stage instance whose input it is.</param>
/// <param name="Key">The param or input name (flattened with <c>.</c>).</param>
/// <param name="Values">One value per run (null when the run has none).</param>
public sealed record ValueRow(string Group, string Key, IReadOnlyList<string?> Values)
{
    /// <summary>True when the runs do not all have the same value.</summary>
    public bool Differs => Values.Distinct().Count() > 1;
}
