using System.Globalization;
using System.Text.RegularExpressions;

namespace TbrmFlow.Plugins.Rl.Sft;

/// <summary>
/// Systematic wrong targets for SFT (<c>label_noise</c>, <c>noise_rule</c>): with probability p a
/// training example's target is replaced by a plausible mistake. A consistent mistake (not random
/// digits) is what makes the greedy answer wrong while correct answers stay likely enough to be
/// sampled: the start RL needs to show its gain (NOTES.md).
/// </summary>
public static partial class LabelNoise
{
    private static readonly Dictionary<string, Func<string, string, string?>> Rules = new(StringComparer.Ordinal)
    {
        ["no_carry"] = NoCarry,
        ["off_by_one"] = OffByOne,
    };

    /// <summary>Valid rule names.</summary>
    public static IReadOnlyCollection<string> Names => Rules.Keys;

    /// <summary>The rule called <paramref name="name"/>: (question, answer) -> wrong answer, or null when it does not apply.</summary>
    /// <exception cref="ArgumentException">Listing the valid names.</exception>
    public static Func<string, string, string?> Get(string name) =>
        Rules.TryGetValue(name, out var rule)
            ? rule
            : throw new ArgumentException($"noise_rule '{name}' is not one of: {string.Join(", ", Rules.Keys)}");

    /// <summary>
    /// <see cref="Eval.Answers.NoCarry.Sum"/> of a question of the form a+b= (57+68 -> "115"; correct 125); null for
    /// any other question.
    /// </summary>
    public static string? NoCarry(string question, string answer)
    {
        var match = Addition().Match(question);
        if (!match.Success)
        {
            return null;
        }
        return Eval.Answers.NoCarry.Sum(match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>The integer answer plus one; null for a non-integer answer.</summary>
    public static string? OffByOne(string question, string answer) =>
        long.TryParse(answer, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? (value + 1).ToString(CultureInfo.InvariantCulture)
            : null;

    [GeneratedRegex(@"^\s*(\d+)\s*\+\s*(\d+)\s*=\s*$")]
    private static partial Regex Addition();
}
