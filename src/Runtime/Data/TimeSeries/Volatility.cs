using System;

namespace Axon.Data.TimeSeries;

/// <summary>
/// Volatility forecasts from past returns: the baselines a learned volatility model has to beat. Each returns one forecast per
/// row, made with the returns of the rows before it only (<c>f[t]</c> uses <c>r[0..t−1]</c>), and NaN where too few rows precede it.
/// </summary>
public static class Volatility
{
    /// <summary>
    /// The RiskMetrics (J.P. Morgan, 1996) exponentially weighted moving average of squared returns:
    /// <c>σ²_1 = r_0²</c>, <c>σ²_(t+1) = λ·σ²_t + (1 − λ)·r_t²</c>; returns <c>σ_t</c> (a standard deviation, in the units of r), NaN for
    /// row 0. The start-up value fades as <c>λ^t</c> (below 1 % after 75 rows at λ = 0.94), so skip the first rows when scoring.
    /// For a forecast of <c>|r_t|</c> rather than of <c>σ_t</c>, multiply by <c>E|z| = √(2/π) ≈ 0.798</c> for normal returns.
    /// </summary>
    /// <param name="returns">The returns r, in time order (daily log returns for the classic λ).</param>
    /// <param name="lambda">The decay λ in (0, 1). Default: 0.94, RiskMetrics' value for daily data.</param>
    /// <exception cref="ArgumentOutOfRangeException">λ outside (0, 1).</exception>
    public static float[] RiskMetrics(ReadOnlySpan<float> returns, double lambda = 0.94)
    {
        if (!(lambda > 0 && lambda < 1)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"lambda is {lambda}; expected a decay in (0, 1).");
        var sigma = new float[returns.Length];
        if (sigma.Length == 0) return sigma;
        sigma[0] = float.NaN;
        double variance = (double)returns[0] * returns[0];
        for (int t = 1; t < returns.Length; t++)
        {
            sigma[t] = (float)Math.Sqrt(variance);
            variance = lambda * variance + (1 - lambda) * returns[t] * (double)returns[t];
        }
        return sigma;
    }

    /// <summary>
    /// The mean of the <paramref name="window"/> values before each row, <c>f[t] = (1/w) Σ_(s=t−w)^(t−1) x_s</c>; NaN for
    /// <c>t &lt; w</c>. Of absolute returns, the simplest volatility forecast (a historical mean).
    /// </summary>
    /// <param name="values">The values x, in time order.</param>
    /// <param name="window">The number of preceding rows averaged, w ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A window below 1.</exception>
    public static float[] RollingMean(ReadOnlySpan<float> values, int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, $"window is {window}; expected at least 1 row.");
        var result = new float[values.Length];
        double sum = 0;
        for (int t = 0; t < values.Length; t++)
        {
            result[t] = t < window ? float.NaN : (float)(sum / window);
            sum += values[t];
            if (t >= window) sum -= values[t - window];
        }
        return result;
    }
}
