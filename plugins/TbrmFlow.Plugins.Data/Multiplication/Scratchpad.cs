using System.Globalization;
using System.Text;

namespace TbrmFlow.Plugins.Data.Multiplication;

/// <summary>The worked solution of <c>a*b</c>: partial products by the digits of b (units first), then running sums.</summary>
public static class Scratchpad
{
    /// <summary>
    /// <c>a*d_0=p_0;a*(d_1*10)=p_1;...;p_0+p_1=s_1;s_1+p_2=s_2...</c>. <paramref name="noisy"/>(i) says whether partial
    /// product i is written without carries (<see cref="NoCarryProduct"/>); the sums use the partials as written.
    /// Returns the text and the final number it ends with.
    /// </summary>
    public static (string Text, long Result) Write(long a, long b, Func<int, bool> noisy)
    {
        var digits = b.ToString(CultureInfo.InvariantCulture);
        var steps = new List<string>();
        var partials = new List<long>();
        long place = 1;
        for (var i = 0; i < digits.Length; i++, place *= 10)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            var product = noisy(i) ? NoCarryProduct(a, digit) * place : a * digit * place;
            steps.Add(Invariant($"{a}*{digit * place}={product}"));
            partials.Add(product);
        }
        var sum = partials[0];
        for (var i = 1; i < partials.Count; i++)
        {
            var next = sum + partials[i];
            steps.Add(Invariant($"{sum}+{partials[i]}={next}"));
            sum = next;
        }
        return (string.Join(';', steps), sum);
    }

    /// <summary>
    /// <c>a * digit</c> written column by column without carrying: each column keeps the units of its digit product,
    /// the leftmost column is written in full (347*8: 3*8=24 | 4*8=32 -> 2 | 7*8=56 -> 6 gives 2426; correct 2776).
    /// </summary>
    public static long NoCarryProduct(long a, int digit)
    {
        var text = a.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var p = (text[i] - '0') * digit;
            sb.Append(i == 0 ? p : p % 10);
        }
        return long.Parse(sb.ToString(), CultureInfo.InvariantCulture);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
