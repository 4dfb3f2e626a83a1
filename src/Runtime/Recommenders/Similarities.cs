using System;
using Axon.Kernels;

namespace Axon.Recommenders;

/// <summary>
/// All-pairs similarity matrices (<see cref="Similarity"/>) computed with matrix products instead of
/// pair by pair. With <c>X</c> the dense <c>[n, m]</c> rating matrix of the rows compared (users, or
/// items), <c>M</c> its 0/1 mask of rated entries and <c>S = X ∘ X</c>, every sum over co-rated
/// columns is one product: <c>|I_uv| = (M Mᵀ)_uv</c>, <c>Σ r_ui r_vi = (X Xᵀ)_uv</c>,
/// <c>Σ_{I_uv} r_ui² = (S Mᵀ)_uv</c>, <c>Σ_{I_uv} r_vi² = (M Sᵀ)_uv</c>, <c>Σ_{I_uv} r_ui = (X Mᵀ)_uv</c>,
/// <c>Σ_{I_uv} r_vi = (M Xᵀ)_uv</c>, and MSD's <c>Σ (r_ui − r_vi)² = (S Mᵀ + M Sᵀ − 2 X Xᵀ)_uv</c>.
/// </summary>
/// <remarks>
/// The products run on <see cref="Gemm"/> over blocks of rows, so the workspace is a few
/// <c>[block, n]</c> buffers besides the dense inputs and the <c>[n, n]</c> result. MSD and Pearson do
/// not change when every rating is shifted by the same constant, so they are computed on ratings minus
/// the midpoint of the scale rounded to a multiple of ½: on half-star ratings every product is then a
/// multiple of ¼ well inside float's 24-bit mantissa, and the sums are exact. The final formulas are
/// evaluated in double.
/// </remarks>
public static class Similarities
{
    private const int Block = 64;

    /// <summary>
    /// The <c>[n, n]</c> row-major similarity matrix between the rows of <paramref name="x"/>
    /// (users of <see cref="RatingMatrix.ByUser"/>, or items of <see cref="RatingMatrix.ByItem"/>).
    /// Pairs with fewer than <paramref name="minSupport"/> common columns (at least 2 for
    /// Pearson-baseline) get 0; the diagonal is 1, as in Surprise.
    /// </summary>
    /// <param name="x">The ratings, rows being what is compared.</param>
    /// <param name="kind">The measure.</param>
    /// <param name="minSupport">Minimum number of common columns. Default: 1 (Surprise's).</param>
    /// <param name="shrinkage">Pearson-baseline's shrinkage. Default: 100 (Surprise's).</param>
    /// <param name="globalMean">μ, for Pearson-baseline.</param>
    /// <param name="rowBias">Baselines of the rows (<c>b_u</c> when rows are users), for Pearson-baseline.</param>
    /// <param name="columnBias">Baselines of the columns, for Pearson-baseline.</param>
    public static float[] Compute(
        RatingMatrix x, Similarity kind, int minSupport = 1, double shrinkage = 100,
        double globalMean = 0, double[]? rowBias = null, double[]? columnBias = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (shrinkage < 0 || !double.IsFinite(shrinkage))
            throw new ArgumentOutOfRangeException(nameof(shrinkage), shrinkage, "shrinkage must be finite and ≥ 0.");
        int n = x.RowCount, m = x.ColumnCount;
        if (kind == Similarity.PearsonBaseline)
        {
            if (rowBias is null || rowBias.Length != n || columnBias is null || columnBias.Length != m)
                throw new ArgumentException(
                    $"Pearson-baseline needs a bias per row ({n}) and per column ({m}); got {rowBias?.Length.ToString() ?? "none"} and {columnBias?.Length.ToString() ?? "none"}.");
            minSupport = Math.Max(2, minSupport);
        }

        float shift = kind is Similarity.Msd or Similarity.Pearson ? MidShift(x) : 0f;
        var v = new float[(long)n * m];
        var s = new float[(long)n * m];
        var mask = new float[(long)n * m];
        for (int r = 0; r < n; r++)
        {
            var cols = x.Columns(r);
            var vals = x.Values(r);
            for (int k = 0; k < cols.Length; k++)
            {
                long at = (long)r * m + cols[k];
                float value = kind == Similarity.PearsonBaseline
                    ? (float)(vals[k] - (globalMean + rowBias![r] + columnBias![cols[k]]))
                    : vals[k] - shift;
                v[at] = value;
                s[at] = value * value;
                mask[at] = 1f;
            }
        }

        var sim = new float[(long)n * n];
        int block = Math.Min(Block, Math.Max(n, 1));
        var freq = new float[block * n];
        var prods = new float[block * n];
        var sqi = new float[block * n];
        var sqj = new float[block * n];
        bool pearson = kind == Similarity.Pearson;
        var si = pearson ? new float[block * n] : [];
        var sj = pearson ? new float[block * n] : [];

        for (int r0 = 0; r0 < n; r0 += block)
        {
            int rows = Math.Min(block, n - r0);
            var mBlk = mask.AsSpan(r0 * m, rows * m);
            var vBlk = v.AsSpan(r0 * m, rows * m);
            var sBlk = s.AsSpan(r0 * m, rows * m);
            int c = rows * n;
            Gemm.MultiplyTransposedB(mBlk, mask, freq.AsSpan(0, c), rows, n, m);
            Gemm.MultiplyTransposedB(sBlk, mask, sqi.AsSpan(0, c), rows, n, m);
            Gemm.MultiplyTransposedB(mBlk, s, sqj.AsSpan(0, c), rows, n, m);
            Gemm.MultiplyTransposedB(vBlk, v, prods.AsSpan(0, c), rows, n, m);
            if (pearson)
            {
                Gemm.MultiplyTransposedB(vBlk, mask, si.AsSpan(0, c), rows, n, m);
                Gemm.MultiplyTransposedB(mBlk, v, sj.AsSpan(0, c), rows, n, m);
            }
            for (int a = 0; a < rows; a++)
            {
                int u = r0 + a;
                var dst = sim.AsSpan(u * n, n);
                for (int w = 0; w < n; w++)
                {
                    int e = a * n + w;
                    double f = freq[e];
                    dst[w] = f < minSupport ? 0f : (float)Formula(kind, f, prods[e], sqi[e], sqj[e],
                        pearson ? si[e] : 0, pearson ? sj[e] : 0, shrinkage);
                }
                dst[u] = 1f;
            }
        }
        return sim;
    }

    /// <summary>The measure from the co-rated sums of one pair (Surprise's formulas; 0 where they divide by 0).</summary>
    internal static double Formula(Similarity kind, double freq, double prods, double sqi, double sqj, double si, double sj, double shrinkage)
    {
        switch (kind)
        {
            case Similarity.Msd:
                // max(0, ·): the exact sum is never negative; rounding of non-grid ratings could make it so.
                return 1.0 / (Math.Max(0.0, sqi + sqj - 2 * prods) / freq + 1.0);
            case Similarity.Cosine:
            {
                double den = Math.Sqrt(sqi * sqj);
                return den == 0 ? 0 : prods / den;
            }
            case Similarity.Pearson:
            {
                double num = freq * prods - si * sj;
                double den = Math.Sqrt((freq * sqi - si * si) * (freq * sqj - sj * sj));
                return den == 0 || double.IsNaN(den) ? 0 : num / den;
            }
            default:
            {
                double den = Math.Sqrt(sqi * sqj);
                return den == 0 ? 0 : prods / den * ((freq - 1) / (freq - 1 + shrinkage));
            }
        }
    }

    private static float MidShift(RatingMatrix x)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int r = 0; r < x.RowCount; r++)
            foreach (float value in x.Values(r))
            {
                min = MathF.Min(min, value);
                max = MathF.Max(max, value);
            }
        return min > max ? 0f : MathF.Round((min + max)) * 0.5f;
    }
}
