using System;
using System.Linq;

namespace Axon.Explanations;

/// <summary>
/// Gradient-based attributions: how much each input value of a sample moves one model output. For a binary
/// cross-entropy model the output is the logit z (log-odds of the positive class), so an attribution is in
/// log-odds units. The gradients are <c>∂output/∂x</c> (the model's <see cref="IModel.Forward"/> then
/// <see cref="IModel.Backward"/> with a one-hot output gradient, parameters untouched), not the loss gradient of
/// <see cref="IModel.InputGradient"/>, which would depend on the label. Inference mode throughout (no dropout,
/// BatchNorm on running statistics). Inputs that are Embedding ids have no meaningful gradient: explain the
/// numeric and one-hot inputs.
/// </summary>
/// <remarks>Not for the hot path: each call allocates its buffers.</remarks>
public static class Attributions
{
    /// <summary>The gradient <c>∂f_o(x)/∂x</c> of output <paramref name="output"/> for each row of <paramref name="inputs"/> (<c>[n, InputSize]</c>).</summary>
    /// <returns><c>[n, InputSize]</c> gradients.</returns>
    public static float[] Gradient(IModel model, ReadOnlySpan<float> inputs, int output = 0)
    {
        int n = Rows(model, inputs, output);
        var gradient = new float[inputs.Length];
        Evaluate(model, inputs, output, gradient, new float[n]);
        return gradient;
    }

    /// <summary>Gradients and output values of the rows (one value each), in batches of at most MaxBatchSize.</summary>
    private static void Evaluate(IModel model, ReadOnlySpan<float> inputs, int output, Span<float> gradient, Span<float> values)
    {
        int n = values.Length, batch = model.MaxBatchSize, width = model.InputSize, outputs = model.OutputSize;
        var raw = new float[batch * outputs];
        var seed = new float[batch * outputs];
        for (int start = 0; start < n; start += batch)
        {
            int m = Math.Min(batch, n - start);
            var x = inputs.Slice(start * width, m * width);
            model.Forward(x, raw.AsSpan(0, m * outputs), training: false);
            seed.AsSpan().Clear();
            for (int i = 0; i < m; i++)
            {
                seed[i * outputs + output] = 1f;
                values[start + i] = raw[i * outputs + output];
            }
            model.Backward(x, seed.AsSpan(0, m * outputs), gradient.Slice(start * width, m * width), parameterGradients: false);
        }
    }

    /// <summary>Output <paramref name="output"/> of the model for each row of <paramref name="inputs"/>: <c>f_o(x)</c>, the logit for a logits loss.</summary>
    public static float[] Outputs(IModel model, ReadOnlySpan<float> inputs, int output = 0)
    {
        int n = Rows(model, inputs, output);
        var all = new float[n * model.OutputSize];
        model.Predict(inputs, all);
        var result = new float[n];
        for (int i = 0; i < n; i++) result[i] = all[i * model.OutputSize + output];
        return result;
    }

    /// <summary>Saliency (Simonyan et al., 2014): <c>|∂f_o/∂x_i|</c> per input value of each row; how sensitive the output is, not in which direction.</summary>
    public static float[] Saliency(IModel model, ReadOnlySpan<float> inputs, int output = 0)
    {
        var g = Gradient(model, inputs, output);
        for (int i = 0; i < g.Length; i++) g[i] = MathF.Abs(g[i]);
        return g;
    }

    /// <summary>
    /// Integrated gradients (Sundararajan et al., 2017) of each row x against one <paramref name="baseline"/> x′:
    /// <c>IG_i = (x_i − x′_i) ∫₀¹ ∂f_o(x′ + α(x − x′))/∂x_i dα</c>, by the trapezoid rule on a grid that is refined where
    /// it is wrong. Completeness, <c>Σ_i IG_i = f_o(x) − f_o(x′)</c>, holds for the exact integral; on each interval
    /// [α_a, α_b] the rule's share of the sum is <c>(α_b − α_a)·½(d_a + d_b)</c> with d the directional derivative
    /// ∇f·(x − x′), while the exact share is <c>f(α_b) − f(α_a)</c>, which the forward pass gives. ReLU networks are
    /// piecewise linear along the path: the rule is exact on intervals without a kink and wrong on those with one,
    /// where the gradient jumps; a trained network can swing far along the path and come back, so a fixed grid of 64
    /// points can miss completeness by several percent. So the rule starts on <paramref name="steps"/> equal intervals
    /// and, while the summed interval errors exceed <paramref name="tolerance"/>·max(|f_o(x) − f_o(x′)|, 0.01), bisects the
    /// intervals with the largest errors (reusing every gradient computed), up to <paramref name="maxSteps"/> intervals;
    /// then it returns what it has (check with <see cref="CompletenessGap"/>). Defaults: 64 steps, tolerance 0.5 %,
    /// at most 4,096 intervals. A common baseline for standardised inputs is the all-zero row (the training mean).
    /// </summary>
    /// <returns><c>[n, InputSize]</c> attributions, in the output's units.</returns>
    public static float[] IntegratedGradients(IModel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> baseline, int output = 0,
        int steps = 64, double tolerance = 0.005, int maxSteps = 4096)
    {
        int n = Rows(model, inputs, output), width = model.InputSize;
        if (baseline.Length != width)
            throw new ArgumentException($"baseline has {baseline.Length} values; {model.Name} takes {width} per row.", nameof(baseline));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "integrated gradients need at least 1 step.");
        if (maxSteps < steps) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"maxSteps must be at least steps ({steps}).");
        if (!(tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be ≥ 0.");
        var result = new float[inputs.Length];
        for (int r = 0; r < n; r++)
            IntegrateRow(model, output, inputs.Slice(r * width, width), baseline, steps, tolerance, maxSteps, result.AsSpan(r * width, width));
        return result;
    }

    /// <summary>A point of the path: α, the output there, and the gradient there.</summary>
    private sealed record PathPoint(double Alpha, float Value, float[] Gradient)
    {
        public double Directional(ReadOnlySpan<float> x, ReadOnlySpan<float> baseline)
        {
            double d = 0;
            for (int i = 0; i < x.Length; i++) d += Gradient[i] * (x[i] - baseline[i]);
            return d;
        }
    }

    private static void IntegrateRow(IModel model, int output, ReadOnlySpan<float> x, ReadOnlySpan<float> baseline,
        int steps, double tolerance, int maxSteps, Span<float> attribution)
    {
        int width = x.Length;
        var alphas = new double[steps + 1];
        for (int k = 0; k <= steps; k++) alphas[k] = (double)k / steps;
        var points = new System.Collections.Generic.List<PathPoint>(PathPoints(model, output, x, baseline, alphas));
        double budget = tolerance * Math.Max(Math.Abs((double)points[^1].Value - points[0].Value), 0.01);
        while (points.Count - 1 < maxSteps)
        {
            // Each interval's error: exact rise of the output minus the trapezoid's.
            int intervals = points.Count - 1;
            var errors = new double[intervals];
            double total = 0;
            for (int k = 0; k < intervals; k++)
            {
                var (a, b) = (points[k], points[k + 1]);
                errors[k] = Math.Abs((double)b.Value - a.Value - (b.Alpha - a.Alpha) * 0.5 * (a.Directional(x, baseline) + b.Directional(x, baseline)));
                total += errors[k];
            }
            if (total <= budget) break;
            // Bisect the intervals above the mean error share (at least the worst one), within the interval budget.
            double share = budget / intervals;
            var split = new System.Collections.Generic.List<int>();
            for (int k = 0; k < intervals && intervals + split.Count < maxSteps; k++)
                if (errors[k] > share) split.Add(k);
            if (split.Count == 0) break;
            var middles = PathPoints(model, output, x, baseline, split.Select(k => 0.5 * (points[k].Alpha + points[k + 1].Alpha)).ToArray());
            for (int j = split.Count - 1; j >= 0; j--) points.Insert(split[j] + 1, middles[j]);
        }
        var sum = new double[width];
        for (int k = 0; k + 1 < points.Count; k++)
        {
            double h = 0.5 * (points[k + 1].Alpha - points[k].Alpha);
            for (int i = 0; i < width; i++) sum[i] += h * (points[k].Gradient[i] + points[k + 1].Gradient[i]);
        }
        for (int i = 0; i < width; i++) attribution[i] = (float)((x[i] - baseline[i]) * sum[i]);
    }

    private static PathPoint[] PathPoints(IModel model, int output, ReadOnlySpan<float> x, ReadOnlySpan<float> baseline, double[] alphas)
    {
        int width = x.Length;
        var path = new float[alphas.Length * width];
        for (int j = 0; j < alphas.Length; j++)
            for (int i = 0; i < width; i++) path[j * width + i] = (float)(baseline[i] + alphas[j] * (x[i] - baseline[i]));
        var gradient = new float[path.Length];
        var values = new float[alphas.Length];
        Evaluate(model, path, output, gradient, values);
        return alphas.Select((a, j) => new PathPoint(a, values[j], gradient[(j * width)..((j + 1) * width)])).ToArray();
    }

    /// <summary>
    /// How far attributions of one row are from completeness: <c>|Σ_i a_i − (f_o(x) − f_o(x′))|</c> relative to
    /// <c>|f_o(x) − f_o(x′)|</c> (absolute when that difference is below 1e-6).
    /// </summary>
    public static double CompletenessGap(IModel model, ReadOnlySpan<float> input, ReadOnlySpan<float> baseline, ReadOnlySpan<float> attributions, int output = 0)
    {
        double difference = (double)Outputs(model, input, output)[0] - Outputs(model, baseline, output)[0];
        double sum = 0;
        foreach (float a in attributions) sum += a;
        double gap = Math.Abs(sum - difference);
        return Math.Abs(difference) < 1e-6 ? gap : gap / Math.Abs(difference);
    }

    /// <summary>
    /// SmoothGrad (Smilkov et al., 2017): the gradient averaged over <paramref name="samples"/> noisy copies
    /// <c>x + N(0, σ²I)</c> of each row, which removes much of the gradient's point-to-point noise. σ is in input units
    /// (for standardised inputs, 0.1-0.2 of a standard deviation is typical). Defaults: 32 samples, σ = 0.15, seed 0.
    /// </summary>
    public static float[] SmoothGrad(IModel model, ReadOnlySpan<float> inputs, int output = 0, int samples = 32, float sigma = 0.15f, long seed = 0)
    {
        int n = Rows(model, inputs, output), width = model.InputSize;
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "SmoothGrad needs at least 1 sample.");
        if (!(sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be ≥ 0.");
        var rng = new Rng(seed);
        var result = new float[inputs.Length];
        var noisy = new float[samples * width];
        for (int r = 0; r < n; r++)
        {
            var x = inputs.Slice(r * width, width);
            for (int s = 0; s < samples; s++)
                for (int i = 0; i < width; i++) noisy[s * width + i] = x[i] + sigma * rng.NextGaussian();
            var g = Gradient(model, noisy, output);
            for (int i = 0; i < width; i++)
            {
                double sum = 0;
                for (int s = 0; s < samples; s++) sum += g[s * width + i];
                result[r * width + i] = (float)(sum / samples);
            }
        }
        return result;
    }

    private static int Rows(IModel model, ReadOnlySpan<float> inputs, int output)
    {
        ArgumentNullException.ThrowIfNull(model);
        if ((uint)output >= (uint)model.OutputSize)
            throw new ArgumentOutOfRangeException(nameof(output), output, $"{model.Name} has outputs 0..{model.OutputSize - 1}.");
        return Guard.Rows(inputs.Length, model.InputSize, nameof(inputs), model.Name);
    }
}
