namespace TbrmFlow.Plugins.Eval.Metrics;

/// <summary>The unbiased pass@k estimator (Chen et al. 2021): 1 - C(n-c, k) / C(n, k).</summary>
public static class PassAtK
{
    /// <summary>Probability that at least one of k samples drawn without replacement from n, of which c are correct, is correct.</summary>
    /// <param name="n">Samples generated for the problem.</param>
    /// <param name="c">Correct samples among them.</param>
    /// <param name="k">Samples allowed.</param>
    /// <exception cref="ArgumentOutOfRangeException">Unless 0 &lt;= c &lt;= n and 1 &lt;= k &lt;= n.</exception>
    public static double Estimate(int n, int c, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(c);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(c, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        if (n - c < k)
        {
            return 1.0;
        }
        // C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i), stable for large n.
        var missAll = 1.0;
        for (var i = n - c + 1; i <= n; i++)
        {
            missAll *= 1.0 - ((double)k / i);
        }
        return 1.0 - missAll;
    }
}
