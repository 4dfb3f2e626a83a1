namespace Axon.Recommenders;

/// <summary>
/// Similarity measures between users (or items) over their co-rated items (or users), as Surprise's
/// <c>surprise.similarities</c>; <c>I_uv</c> is the set of items rated by both <c>u</c> and <c>v</c>.
/// </summary>
public enum Similarity
{
    /// <summary>
    /// Mean squared difference: <c>sim = 1 / (msd + 1)</c>, <c>msd = Σ_{i∈I_uv}(r_ui − r_vi)² / |I_uv|</c>
    /// (Surprise's default).
    /// </summary>
    Msd = 0,

    /// <summary>Cosine over co-rated items: <c>Σ r_ui r_vi / (√Σ r_ui² · √Σ r_vi²)</c>, sums over <c>I_uv</c>.</summary>
    Cosine = 1,

    /// <summary>
    /// Pearson correlation over co-rated items (means taken over <c>I_uv</c>):
    /// <c>(n Σxy − Σx Σy) / √((n Σx² − (Σx)²)(n Σy² − (Σy)²))</c>, <c>n = |I_uv|</c>; 0 when the denominator is 0.
    /// </summary>
    Pearson = 2,

    /// <summary>
    /// Shrunk Pearson-baseline: with <c>d_ui = r_ui − (μ + b_u + b_i)</c>,
    /// <c>ρ = Σ d_ui d_vi / √(Σ d_ui² · Σ d_vi²)</c> over <c>I_uv</c>, then
    /// <c>sim = (|I_uv| − 1) / (|I_uv| − 1 + shrinkage) · ρ</c>; the minimum support is at least 2.
    /// </summary>
    PearsonBaseline = 3,
}
