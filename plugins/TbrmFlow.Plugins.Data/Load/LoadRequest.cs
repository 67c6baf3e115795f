using TbrmFlow.Abstractions;

namespace TbrmFlow.Plugins.Data.Load;

/// <summary>
/// Loads problems from a JSONL or Parquet file, maps its fields, extracts answers from worked
/// solutions, removes duplicate questions, filters, samples and splits by ratio.
/// </summary>
[Activity("data.load", Category = "data", Description = "Problems from a JSONL or Parquet file: field mapping, answer extraction (#### / \\boxed{}), de-duplication, filters, sampling, train/test split.", Deterministic = true)]
public sealed record LoadRequest : IActivity<LoadResult>
{
    /// <summary>A local <c>.jsonl</c> or <c>.parquet</c> file (a path or a <c>file://</c> URL).</summary>
    [FilePath]
    public required string Path { get; init; }

    /// <summary><c>auto</c> (by extension), <c>jsonl</c> or <c>parquet</c>.</summary>
    public string Format { get; init; } = "auto";

    /// <summary>Problem field to source column, e.g. <c>{question: problem, answer: solution}</c>; unmapped fields use their own name (<c>id</c>, <c>question</c>, <c>answer</c>, <c>solution</c>, <c>source</c>).</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>How to read the answer from the answer column: <c>none</c>, <c>hash</c> (GSM8K <c>####</c>) or <c>boxed</c> (MATH, last <c>\boxed{}</c>).</summary>
    public SolutionAnswer AnswerFrom { get; init; } = SolutionAnswer.None;

    /// <summary>Drop problems whose normalised question (lower case, whitespace collapsed) was seen before.</summary>
    public bool Deduplicate { get; init; } = true;

    /// <summary>Keep only questions of at most this many characters (0 = no limit).</summary>
    public int MaxQuestionChars { get; init; }

    /// <summary>Keep only answers of at most this many characters (0 = no limit).</summary>
    public int MaxAnswerChars { get; init; }

    /// <summary>Keep only rows whose <c>source</c> is one of these (empty = all).</summary>
    public List<string> Sources { get; init; } = [];

    /// <summary>Keep a random sample of this many problems after filtering (0 = all).</summary>
    public int Sample { get; init; }

    /// <summary>Fraction of problems that go to <c>test</c> (0 to 1).</summary>
    public double TestRatio { get; init; }

    /// <summary>Seed of sampling and splitting.</summary>
    public int Seed { get; init; }
}
