using TbrmFlow.Plugins.Eval.Answers;

namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>
/// Majority vote over extracted answers. Samples without an answer do not vote. Answers are grouped
/// with <see cref="AnswerEquivalence"/> (each joins the first earlier group whose first answer it
/// equals). The largest group wins; a tie goes to the group whose first member came earliest, so the
/// outcome never depends on which answer is correct.
/// </summary>
public static class MajorityVote
{
    /// <summary>Index (into <paramref name="samples"/>) of the first member of the winning group, or -1 when no sample has an answer.</summary>
    public static int Winner(IReadOnlyList<ScoredSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var groups = new List<(int First, int Count)>();
        for (var i = 0; i < samples.Count; i++)
        {
            var answer = samples[i].Answer;
            if (string.IsNullOrWhiteSpace(answer))
            {
                continue;
            }
            var g = groups.FindIndex(x => AnswerEquivalence.AreEqual(answer, samples[x.First].Answer));
            if (g < 0)
            {
                groups.Add((i, 1));
            }
            else
            {
                groups[g] = (groups[g].First, groups[g].Count + 1);
            }
        }
        var best = -1;
        var bestCount = 0;
        foreach (var (first, count) in groups)
        {
            // Groups are in order of first appearance, so strict '>' keeps the earliest on a tie.
            if (count > bestCount)
            {
                (best, bestCount) = (first, count);
            }
        }
        return best;
    }
}
