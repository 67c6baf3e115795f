namespace TbrmFlow.Tracking.Compare;

/// <summary>Curve smoothing as TensorBoard and MLflow apply it to metric charts.</summary>
public static class Smoothing
{
    /// <summary>
    /// Exponential moving average with bias correction (TensorBoard's smoothing slider):
    /// <c>m_i = w m_{i-1} + (1 - w) y_i</c>, divided by <c>1 - w^(i+1)</c> so the first points are not
    /// pulled toward zero. <paramref name="weight"/> 0 returns the values; non-finite values pass
    /// through unchanged and do not enter the average.
    /// </summary>
    /// <param name="values">Values in step order.</param>
    /// <param name="weight">0 (none) to below 1 (heavy).</param>
    public static double[] Ema(IReadOnlyList<double> values, double weight)
    {
        var result = new double[values.Count];
        if (weight <= 0)
        {
            for (var i = 0; i < values.Count; i++)
            {
                result[i] = values[i];
            }
            return result;
        }
        weight = Math.Min(weight, 0.999);
        var average = 0.0;
        var seen = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                result[i] = values[i];
                continue;
            }
            average = weight * average + (1 - weight) * values[i];
            seen++;
            result[i] = average / (1 - Math.Pow(weight, seen));
        }
        return result;
    }
}
