namespace Axon.Privacy;

/// <summary>How <see cref="RdpAccountant"/> turns Rényi-DP guarantees into an (ε, δ) guarantee.</summary>
public enum RdpConversion
{
    /// <summary>
    /// Balle et al. 2020 (Thm. 21), as Opacus's <c>get_privacy_spent</c> and current TF-privacy:
    /// <c>ε = min_α [ RDP(α) + log((α − 1)/α) − (log δ + log α)/(α − 1) ]</c>. Tighter; the default.
    /// </summary>
    Balle2020 = 0,

    /// <summary>
    /// Mironov 2017 (Prop. 3), as TF-privacy computed it until 2020 (the figures in its tutorials):
    /// <c>ε = min_α [ RDP(α) − log δ/(α − 1) ]</c>.
    /// </summary>
    Mironov2017 = 1,
}
