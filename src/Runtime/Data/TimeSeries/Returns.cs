using System;

namespace Axon.Data.TimeSeries;

/// <summary>Returns of a price series, computed in double precision and stored as float.</summary>
public static class Returns
{
    /// <summary>
    /// Log returns <c>r_t = ln(p_(t+1) / p_t)</c> for <c>t = 0..n−2</c>: <c>n − 1</c> values, the first the return from the
    /// first price to the second. Log returns add over time (the return of a week is the sum of its days').
    /// </summary>
    /// <param name="prices">At least two positive prices, in time order.</param>
    /// <exception cref="ArgumentException">Fewer than two prices, or a price that is not positive and finite.</exception>
    public static float[] Log(ReadOnlySpan<float> prices)
    {
        Check(prices, nameof(prices));
        var r = new float[prices.Length - 1];
        for (int t = 0; t < r.Length; t++) r[t] = (float)Math.Log((double)prices[t + 1] / prices[t]);
        return r;
    }

    /// <summary>Simple returns <c>R_t = p_(t+1) / p_t − 1</c> for <c>t = 0..n−2</c> (<c>R = e^r − 1</c> of the log return r).</summary>
    /// <param name="prices">At least two positive prices, in time order.</param>
    /// <exception cref="ArgumentException">Fewer than two prices, or a price that is not positive and finite.</exception>
    public static float[] Simple(ReadOnlySpan<float> prices)
    {
        Check(prices, nameof(prices));
        var r = new float[prices.Length - 1];
        for (int t = 0; t < r.Length; t++) r[t] = (float)((double)prices[t + 1] / prices[t] - 1);
        return r;
    }

    private static void Check(ReadOnlySpan<float> prices, string name)
    {
        if (prices.Length < 2) throw new ArgumentException($"returns need at least 2 prices; {prices.Length} were given.", name);
        for (int t = 0; t < prices.Length; t++)
            if (!(prices[t] > 0) || !float.IsFinite(prices[t]))
                throw new ArgumentException($"price {t} is {prices[t]}; expected a positive finite price.", name);
    }
}
