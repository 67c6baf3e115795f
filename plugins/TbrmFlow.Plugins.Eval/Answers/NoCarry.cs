using System.Globalization;
using System.Text;

namespace TbrmFlow.Plugins.Eval.Answers;

/// <summary>
/// The systematic addition mistake the toy tasks are built on (the SFT <c>no_carry</c> label noise and
/// data.arithmetic's <c>step_noise</c>): column addition that forgets every carry, writing the leftmost column in
/// full. One rule, so the mistake SFT learns and the mistake in worked solutions are the same.
/// </summary>
public static class NoCarry
{
    /// <summary>
    /// a + b of two non-negative decimal digit strings without carries: 57+68 -> 5+6 | (7+8) mod 10 = "115"
    /// (correct 125); 102+78 -> "170" (correct 180). Leading zeros are dropped ("0" when nothing is left).
    /// </summary>
    public static string Sum(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var width = Math.Max(a.Length, b.Length);
        a = a.PadLeft(width, '0');
        b = b.PadLeft(width, '0');
        var text = new StringBuilder();
        for (var i = 0; i < width; i++)
        {
            var sum = (a[i] - '0') + (b[i] - '0');
            text.Append((i == 0 ? sum : sum % 10).ToString(CultureInfo.InvariantCulture));
        }
        var digits = text.ToString().TrimStart('0');
        return digits.Length == 0 ? "0" : digits;
    }
}
