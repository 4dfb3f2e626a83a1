using System;
using Axon.Metrics;

namespace Axon.Privacy;

/// <summary>
/// How well a membership-inference attack tells training samples (members) from samples the model never saw (non-members),
/// in the measures the literature reports (Carlini et al. 2022, "Membership Inference Attacks From First Principles"): the ROC
/// area, and the true-positive rate at a low false-positive rate, which says whether the attack can confidently pick out
/// some members (what matters for privacy) rather than be slightly better than chance on average.
/// </summary>
/// <remarks>
/// A higher score means "more likely a member". With <c>M</c> non-members the smallest false-positive rate an audit can resolve
/// is <c>1/M</c>: below it, <see cref="TruePositiveRateAt"/> is the rate at FPR 0 (members scored above every non-member). Audit
/// with at least 1000 non-members to read TPR at 0.1 %.
/// </remarks>
public sealed class MembershipAudit
{
    private readonly RocPoint[] _roc;
    private readonly float[] _scores, _isMember;

    private MembershipAudit(string attack, float[] scores, float[] isMember, RocPoint[] roc, double auc, int members)
    {
        Attack = attack;
        _scores = scores;
        _isMember = isMember;
        _roc = roc;
        Auc = auc;
        Members = members;
        NonMembers = scores.Length - members;
    }

    /// <summary>
    /// An audit from one attack score per sample and whether it is a member (<c>isMember[i] ≥ 0.5</c>). The scores are copied.
    /// </summary>
    /// <param name="attack">The attack's name, for reports.</param>
    /// <param name="scores">Finite scores, higher meaning "member".</param>
    /// <param name="isMember">1 for a member, 0 for a non-member, one per score.</param>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, or there are no members or no non-members.</exception>
    public static MembershipAudit FromScores(string attack, ReadOnlySpan<float> scores, ReadOnlySpan<float> isMember)
    {
        ArgumentNullException.ThrowIfNull(attack);
        double auc = BinaryRanking.RocAuc(scores, isMember);
        if (double.IsNaN(auc))
            throw new ArgumentException("a membership audit needs at least one member and one non-member; one of the two sets is empty.", nameof(isMember));
        int members = 0;
        foreach (float m in isMember) if (m >= 0.5f) members++;
        return new MembershipAudit(attack, scores.ToArray(), isMember.ToArray(), BinaryCurves.Roc(scores, isMember), auc, members);
    }

    /// <summary>The attack that produced the scores.</summary>
    public string Attack { get; }

    /// <summary>The attack's score per sample (members first when built by <see cref="MembershipInference"/>).</summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>1 for a member, 0 for a non-member, per score.</summary>
    public ReadOnlySpan<float> IsMember => _isMember;

    /// <summary>Number of members audited.</summary>
    public int Members { get; }

    /// <summary>Number of non-members audited.</summary>
    public int NonMembers { get; }

    /// <summary>
    /// Area under the attack's ROC curve: the probability that a random member scores above a random non-member (ties half);
    /// 0.5 is guessing (<see cref="BinaryRanking.RocAuc"/>).
    /// </summary>
    public double Auc { get; }

    /// <summary>True-positive rate at 0.1 % false positives (<see cref="TruePositiveRateAt"/>).</summary>
    public double TprAtTenthPercentFpr => TruePositiveRateAt(0.001);

    /// <summary>True-positive rate at 1 % false positives (<see cref="TruePositiveRateAt"/>).</summary>
    public double TprAtOnePercentFpr => TruePositiveRateAt(0.01);

    /// <summary>
    /// Membership advantage (Yeom et al. 2018): <c>max over thresholds of TPR − FPR</c>, 0 for guessing, 1 for a perfect attack.
    /// </summary>
    public double Advantage
    {
        get
        {
            double best = 0;
            foreach (var p in _roc) best = Math.Max(best, p.TruePositiveRate - p.FalsePositiveRate);
            return best;
        }
    }

    /// <summary>
    /// The largest true-positive rate over the thresholds whose false-positive rate is at most <paramref name="falsePositiveRate"/>
    /// (as Carlini et al. read it off the ROC curve: <c>tpr[fpr ≤ f].max()</c>, with no interpolation).
    /// </summary>
    /// <param name="falsePositiveRate">In [0, 1].</param>
    public double TruePositiveRateAt(double falsePositiveRate)
    {
        if (!(falsePositiveRate >= 0 && falsePositiveRate <= 1))
            throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), falsePositiveRate, $"the false-positive rate is {falsePositiveRate}; expected a rate in [0, 1].");
        double best = 0;
        foreach (var p in _roc)
            if (p.FalsePositiveRate <= falsePositiveRate) best = Math.Max(best, p.TruePositiveRate);
        return best;
    }

    /// <summary>The attack's ROC curve (<see cref="BinaryCurves.Roc"/>), from (0, 0) to (1, 1).</summary>
    public ReadOnlySpan<RocPoint> Roc => _roc;

    /// <inheritdoc/>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Attack}: AUC {Auc:F3}, TPR {100 * TprAtTenthPercentFpr:F2} % at 0.1 % FPR, {100 * TprAtOnePercentFpr:F2} % at 1 % FPR ({Members} members, {NonMembers} non-members)");
}
