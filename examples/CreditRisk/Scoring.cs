using System;
using Axon;
using Axon.Data;
using Axon.Metrics;
using Axon.Training;

namespace CreditRiskExample;

/// <summary>How a risk model does on held-out loans, with the bad loans as the positive class.</summary>
/// <param name="RocAuc">Area under the ROC curve: P(a random bad loan scores above a random good one); 0.5 is chance.</param>
/// <param name="AveragePrecision">Area under the precision–recall curve; chance is the bad-loan rate.</param>
/// <param name="Accuracy">Fraction right when a loan is called bad at P(bad) &gt; 0.5.</param>
/// <param name="BaselineAccuracy">Fraction right when every loan is called good.</param>
/// <param name="BadRate">Fraction of bad loans.</param>
/// <param name="CaughtInTopDecile">Fraction of the bad loans among the 10 % of loans scored riskiest.</param>
public readonly record struct RiskScore(double RocAuc, double AveragePrecision, double Accuracy, double BaselineAccuracy, double BadRate, double CaughtInTopDecile);

/// <summary>Training and scoring, the same for both models.</summary>
public static class Scoring
{
    /// <summary>Adam at its defaults (lr 1e-3), shuffled with <paramref name="seed"/>, no validation split.</summary>
    public static void Train(IModel model, Dataset train, int epochs, int batch, long seed) =>
        model.Fit(train, new FitOptions { Epochs = epochs, BatchSize = batch, Seed = seed, Progress = ProgressMode.None });

    /// <summary>Scores <paramref name="test"/>: one logit per loan, ranked by the metrics in <see cref="BinaryRanking"/>.</summary>
    public static RiskScore Evaluate(IModel model, Dataset test)
    {
        var logits = new float[test.Count];
        model.Predict(test.Features, logits);
        var targets = test.Targets!;
        int bad = 0, right = 0;
        for (int i = 0; i < test.Count; i++)
        {
            bool isBad = targets[i] >= 0.5f;
            if (isBad) bad++;
            if ((logits[i] > 0) == isBad) right++;
        }
        // The riskiest tenth: the highest logits.
        int top = (int)Math.Round(0.1 * test.Count);
        var order = new int[test.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = Array.ConvertAll(logits, z => -z);
        Array.Sort(keys, order);
        int caught = 0;
        for (int k = 0; k < top; k++)
            if (targets[order[k]] >= 0.5f) caught++;
        return new RiskScore(
            BinaryRanking.RocAuc(logits, targets),
            BinaryRanking.AveragePrecision(logits, targets),
            (double)right / test.Count,
            (double)(test.Count - bad) / test.Count,
            (double)bad / test.Count,
            bad == 0 ? double.NaN : (double)caught / bad);
    }
}
