using System;

namespace Axon.Privacy;

/// <summary>
/// Rényi-DP accounting of the sampled Gaussian mechanism, the privacy analysis of DP-SGD (Abadi et al. 2016, Mironov 2017,
/// Mironov, Talwar &amp; Zhang 2019), computed as TF-privacy's and Opacus's <c>compute_rdp</c>.
/// </summary>
/// <remarks>
/// <para>One DP-SGD step samples every training example independently with probability <c>q</c> (Poisson sampling), sums the
/// per-sample gradients clipped to norm <c>C</c> and adds <c>N(0, σ²C²·I)</c>. Its RDP at order α is
/// <c>RDP(α) = log(A_α)/(α − 1)</c> with <c>A_α = E_{z∼μ₀}[(μ(z)/μ₀(z))^α]</c>, <c>μ₀ = N(0, σ²)</c>, <c>μ = (1 − q)·μ₀ + q·N(1, σ²)</c>.
/// For an integer α the binomial expansion is exact: <c>A_α = Σ_{i=0}^{α} C(α, i)·q^i·(1 − q)^{α−i}·exp((i² − i)/(2σ²))</c>.
/// For a fractional α the integral is split at <c>z₀ = σ²·log(1/q − 1) + ½</c> and both halves are expanded in the generalized
/// binomial series, each term weighted by a Gaussian tail <c>½·erfc(·)</c>, summed until a term falls below <c>e^−30</c>
/// (Mironov et al. 2019, Sec. 3.3). Everything is summed in log space. <c>T</c> steps compose additively: <c>T·RDP(α)</c>.</para>
/// <para>The result is then converted to (ε, δ) at every order and the smallest ε is kept (<see cref="RdpConversion"/>).</para>
/// </remarks>
public static class RdpAccountant
{
    /// <summary>Opacus's default orders: <c>1.1, 1.2, …, 10.9</c> and <c>12, 13, …, 63</c>.</summary>
    public static ReadOnlySpan<double> DefaultOrders => s_defaultOrders;

    private static readonly double[] s_defaultOrders = BuildDefaultOrders();

    private static double[] BuildDefaultOrders()
    {
        var orders = new double[99 + 52];
        for (int x = 1; x < 100; x++) orders[x - 1] = 1 + x / 10.0;
        for (int a = 12; a < 64; a++) orders[99 + a - 12] = a;
        return orders;
    }

    /// <summary>
    /// RDP at <paramref name="order"/> of <paramref name="steps"/> steps of the sampled Gaussian mechanism: <c>steps·log(A_α)/(α − 1)</c>;
    /// <c>steps·α/(2σ²)</c> when q = 1, 0 when q = 0.
    /// </summary>
    /// <param name="sampleRate">q ∈ [0, 1], the probability that a sample is in a step's batch.</param>
    /// <param name="noiseMultiplier">σ &gt; 0, the noise standard deviation over the clipping norm.</param>
    /// <param name="steps">T ≥ 0.</param>
    /// <param name="order">α &gt; 1.</param>
    public static double Rdp(double sampleRate, double noiseMultiplier, long steps, double order)
    {
        Check(sampleRate, noiseMultiplier, steps);
        if (!(order > 1) || double.IsNaN(order))
            throw new ArgumentOutOfRangeException(nameof(order), order, $"order is {order}; expected a Rényi order α > 1.");
        if (sampleRate == 0 || steps == 0) return 0;
        if (double.IsPositiveInfinity(order)) return double.PositiveInfinity;
        double sigma = noiseMultiplier;
        double perStep = sampleRate == 1
            ? order / (2 * sigma * sigma)
            : (order == Math.Floor(order) && order <= int.MaxValue ? LogAInteger(sampleRate, sigma, (int)order) : LogAFractional(sampleRate, sigma, order)) / (order - 1);
        return perStep * steps;
    }

    /// <summary>
    /// The (ε, δ) guarantee of DP-SGD after <paramref name="steps"/> steps at sample rate <paramref name="sampleRate"/> and noise
    /// multiplier <paramref name="noiseMultiplier"/>, over <paramref name="orders"/> (default: <see cref="DefaultOrders"/>).
    /// </summary>
    /// <param name="sampleRate">q ∈ [0, 1]: expected batch size over the training-set size.</param>
    /// <param name="noiseMultiplier">σ &gt; 0.</param>
    /// <param name="steps">T ≥ 0.</param>
    /// <param name="delta">δ ∈ (0, 1); a common choice is below 1/n.</param>
    /// <param name="conversion">RDP → (ε, δ). Default: <see cref="RdpConversion.Balle2020"/> (as Opacus).</param>
    /// <param name="orders">Rényi orders, each &gt; 1. Default: <see cref="DefaultOrders"/>.</param>
    public static PrivacySpent Epsilon(double sampleRate, double noiseMultiplier, long steps, double delta,
        RdpConversion conversion = RdpConversion.Balle2020, ReadOnlySpan<double> orders = default)
    {
        if (orders.IsEmpty) orders = s_defaultOrders;
        Span<double> rdp = orders.Length <= 256 ? stackalloc double[orders.Length] : new double[orders.Length];
        for (int i = 0; i < orders.Length; i++) rdp[i] = Rdp(sampleRate, noiseMultiplier, steps, orders[i]);
        return Epsilon(orders, rdp, delta, conversion);
    }

    /// <summary>
    /// The smallest ε over the orders for a composed RDP curve <paramref name="rdp"/> (one value per order), at <paramref name="delta"/>,
    /// by <paramref name="conversion"/>; never below 0.
    /// </summary>
    public static PrivacySpent Epsilon(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp, double delta, RdpConversion conversion = RdpConversion.Balle2020)
    {
        if (orders.Length != rdp.Length)
            throw new ArgumentException($"expected one RDP value per order ({orders.Length}), but got {rdp.Length}.", nameof(rdp));
        if (orders.IsEmpty) throw new ArgumentException("expected at least one Rényi order.", nameof(orders));
        if (!(delta > 0 && delta < 1))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"delta is {delta}; expected a probability in (0, 1).");
        double best = double.PositiveInfinity, bestOrder = double.NaN;
        double logDelta = Math.Log(delta);
        for (int i = 0; i < orders.Length; i++)
        {
            double a = orders[i];
            if (!(a > 1)) throw new ArgumentOutOfRangeException(nameof(orders), a, $"orders[{i}] is {a}; expected α > 1.");
            double eps = conversion == RdpConversion.Mironov2017
                ? rdp[i] - logDelta / (a - 1)
                : rdp[i] - (logDelta + Math.Log(a)) / (a - 1) + Math.Log((a - 1) / a);
            if (eps < best) { best = eps; bestOrder = a; }
        }
        return new PrivacySpent(Math.Max(0, best), delta, bestOrder);
    }

    private static void Check(double q, double sigma, long steps)
    {
        if (!(q >= 0 && q <= 1))
            throw new ArgumentOutOfRangeException(nameof(q), q, $"the sample rate is {q}; expected a probability in [0, 1].");
        if (!(sigma > 0) || double.IsInfinity(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"the noise multiplier is {sigma}; expected a finite σ > 0.");
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps is {steps}; expected at least 0.");
    }

    /// <summary>log A_α for an integer α, 0 &lt; q &lt; 1: the exact binomial sum.</summary>
    private static double LogAInteger(double q, double sigma, int alpha)
    {
        double logA = double.NegativeInfinity, logQ = Math.Log(q), log1mQ = Math.Log(1 - q), logBinom = 0;
        for (int i = 0; i <= alpha; i++)
        {
            if (i > 0) logBinom += Math.Log((double)(alpha - i + 1) / i);
            double s = logBinom + i * logQ + (alpha - i) * log1mQ + ((double)i * i - i) / (2 * sigma * sigma);
            logA = LogAdd(logA, s);
        }
        return logA;
    }

    /// <summary>log A_α for a fractional α, 0 &lt; q &lt; 1: the two generalized binomial series of Mironov et al. 2019.</summary>
    private static double LogAFractional(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double z0 = sigma * sigma * Math.Log(1 / q - 1) + 0.5, logQ = Math.Log(q), log1mQ = Math.Log(1 - q);
        double coef = 1, sqrt2Sigma = Math.Sqrt(2) * sigma;
        for (int i = 0; ; i++)
        {
            // Generalized binomial coefficient C(α, i), built up term by term (it changes sign once i > α).
            if (i > 0) coef *= (alpha - i + 1) / i;
            double logCoef = Math.Log(Math.Abs(coef)), j = alpha - i;
            double logT0 = logCoef + i * logQ + j * log1mQ;
            double logT1 = logCoef + j * logQ + i * log1mQ;
            double logE0 = Math.Log(0.5) + LogErfc((i - z0) / sqrt2Sigma);
            double logE1 = Math.Log(0.5) + LogErfc((z0 - j) / sqrt2Sigma);
            double logS0 = logT0 + ((double)i * i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (coef > 0) { logA0 = LogAdd(logA0, logS0); logA1 = LogAdd(logA1, logS1); }
            else { logA0 = LogSub(logA0, logS0); logA1 = LogSub(logA1, logS1); }
            if (Math.Max(logS0, logS1) < -30) break;
        }
        return LogAdd(logA0, logA1);
    }

    private static double LogAdd(double x, double y)
    {
        double a = Math.Min(x, y), b = Math.Max(x, y);
        return double.IsNegativeInfinity(a) ? b : Math.Log(1 + Math.Exp(a - b)) + b;
    }

    private static double LogSub(double x, double y)
    {
        if (x < y) throw new ArithmeticException("RDP accountant: a log-space difference became negative (σ or q out of the method's range).");
        if (double.IsNegativeInfinity(y)) return x;
        if (x == y) return double.NegativeInfinity;
        double d = Math.Exp(x - y) - 1;
        return double.IsInfinity(d) ? x : Math.Log(d) + y;
    }

    /// <summary>log erfc(x), accurate far into the tail where erfc(x) underflows.</summary>
    internal static double LogErfc(double x)
    {
        if (x < 0) return Math.Log(2 - Erfc(-x));
        if (x < 2) return Math.Log(Erfc(x));
        // erfc(x) = e^(−x²)/(√π·F(x)) with the continued fraction F(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))), evaluated by Lentz's method.
        return -x * x - 0.5 * Math.Log(Math.PI) - Math.Log(ContinuedFraction(x));
    }

    /// <summary>erfc(x) for x ≥ 0: the Maclaurin series of erf below 2, the continued fraction above.</summary>
    internal static double Erfc(double x)
    {
        if (x >= 2) return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * ContinuedFraction(x));
        // erf(x) = (2/√π)·Σ (−1)ⁿ x^(2n+1)/(n!(2n+1)); below 2 the terms stay small enough that cancellation costs < 2 digits.
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
        }
        return 1 - 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double ContinuedFraction(double x)
    {
        const double Tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = n / 2.0;
            d = x + a * d;
            if (Math.Abs(d) < Tiny) d = Tiny;
            c = x + a / c;
            if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return f;
    }
}
