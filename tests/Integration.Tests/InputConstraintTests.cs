using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Per-input ranges and kinds (ids, immutable, integer) under every attack, noise and TRADES.</summary>
public class InputConstraintTests
{
    private const int N = 12, F = ConstrainedNet.InputSize;

    /// <summary>Rows: region id 0-3, age 18-90 (integer years), accounts 0-10, three numeric values in [-2, 2].</summary>
    private static (float[] X, int[] Labels) Data(int n, int seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * F];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            var row = x.AsSpan(i * F, F);
            row[0] = rng.NextInt(4);
            row[1] = 18 + rng.NextInt(73);
            row[2] = rng.NextInt(11);
            for (int j = 3; j < F; j++) row[j] = rng.NextUniform(-2f, 2f);
            labels[i] = (int)row[0] ^ (row[3] > 0 ? 1 : 0) ^ (row[2] > 5 ? 2 : 0);
        }
        return (x, labels);
    }

    [Fact]
    public void GeneratedConstraints_GiveEachMemberItsRangeAndKind()
    {
        var box = ((IModel)new ConstrainedNet()).InputConstraints;
        Assert.Same(box, ((IModel)new ConstrainedNet()).InputConstraints);   // one static instance per class
        Assert.Equal(["Region", "Age", "Accounts", "Numeric"], box.Segments.Select(s => s.Name));
        Assert.Equal([InputFeatureKind.Ids, InputFeatureKind.Immutable, InputFeatureKind.Integer, InputFeatureKind.Continuous], box.Segments.Select(s => s.Kind));
        Assert.Equal([float.NegativeInfinity, 18f, 0f, -2f, -2f, -2f], box.Lower.ToArray());
        Assert.Equal([float.PositiveInfinity, 90f, 10f, 2f, 2f, 2f], box.Upper.ToArray());
        Assert.Equal(4, box.PerturbableCount);
        Assert.False(box.IsUniform);
        Assert.Equal("Numeric[1]", box.FeatureName(4));
        Assert.True(((IModel)new FashionMlp()).InputConstraints.IsUniform);
    }

    private static void AssertFeasible(float[] clean, float[] adversarial, float epsilon, AttackNorm norm, string attack)
    {
        var box = ((IModel)new ConstrainedNet()).InputConstraints;
        for (int i = 0; i < clean.Length / F; i++)
        {
            var x = clean.AsSpan(i * F, F);
            var a = adversarial.AsSpan(i * F, F);
            Assert.True(BitConverter.SingleToInt32Bits(x[0]) == BitConverter.SingleToInt32Bits(a[0]), $"{attack}: id changed in row {i}");
            Assert.True(BitConverter.SingleToInt32Bits(x[1]) == BitConverter.SingleToInt32Bits(a[1]), $"{attack}: immutable age changed in row {i}");
            Assert.True(a[2] == MathF.Round(a[2]), $"{attack}: integer count {a[2]} in row {i}");
            double sq = 0, max = 0;
            for (int j = 0; j < F; j++)
            {
                Assert.InRange(a[j], box.Lower[j], box.Upper[j]);
                double d = Math.Abs(a[j] - x[j]);
                sq += d * d;
                max = Math.Max(max, d);
            }
            if (norm == AttackNorm.LInf) Assert.True(max <= epsilon + 1e-5, $"{attack}: L∞ {max} > ε {epsilon}");
            else Assert.True(Math.Sqrt(sq) <= epsilon * (1 + 1e-5), $"{attack}: L2 {Math.Sqrt(sq)} > ε {epsilon}");
        }
    }

    [Fact]
    public void EveryAttack_LeavesIdsAndImmutablesBitwise_KeepsIntegersIntegral_AndEveryValueInItsOwnRange()
    {
        var model = new ConstrainedNet(seed: 3);
        var (x, labels) = Data(N, 1);
        var batch = new Batch(x, labels, default, N);
        var adv = new float[x.Length];
        var gradient = new float[x.Length];
        var ws = new AttackWorkspace(model);
        const float Eps = 1.5f, Eps2 = 2.5f;   // large enough for the integer column to move by whole units
        Attacks.Fgsm(model, batch, Eps, adv, gradient); AssertFeasible(x, adv, Eps, AttackNorm.LInf, "FGSM");
        Attacks.Pgd(model, batch, Eps, 0.6f, 10, adv, gradient, seed: 2); AssertFeasible(x, adv, Eps, AttackNorm.LInf, "PGD");
        Attacks.PgdL2(model, batch, Eps2, 0.8f, 10, adv, gradient, seed: 2); AssertFeasible(x, adv, Eps2, AttackNorm.L2, "PGD-L2");
        Attacks.MiFgsm(model, batch, Eps, 0.3f, 10, adv, ws); AssertFeasible(x, adv, Eps, AttackNorm.LInf, "MI-FGSM");
        foreach (var norm in new[] { AttackNorm.LInf, AttackNorm.L2 })
        {
            float e = norm == AttackNorm.LInf ? Eps : Eps2;
            Attacks.Apgd(model, batch, norm, e, adv, ws, steps: 20); AssertFeasible(x, adv, e, norm, $"APGD-CE {norm}");
            Attacks.Apgd(model, batch, norm, e, adv, ws, ApgdLoss.Dlr, steps: 20); AssertFeasible(x, adv, e, norm, $"APGD-DLR {norm}");
            Attacks.ApgdTargeted(model, batch, norm, e, adv, ws, steps: 20); AssertFeasible(x, adv, e, norm, $"APGD-T {norm}");
            Attacks.Square(model, batch, norm, e, adv, ws, queries: 100); AssertFeasible(x, adv, e, norm, $"Square {norm}");
        }
        Attacks.DeepFool(model, x, adv, new bool[N], ws);
        AssertFeasible(x, adv, float.PositiveInfinity, AttackNorm.LInf, "DeepFool");
        Attacks.CarliniWagnerL2(model, batch, adv, new bool[N], ws, new CarliniWagnerOptions { BinarySearchSteps = 2, Steps = 10 });
        AssertFeasible(x, adv, float.PositiveInfinity, AttackNorm.LInf, "CW");
        var rng = new Rng(5);
        ((IModel)model).InputConstraints.AddGaussianNoise(x, adv, 3f, ref rng);
        AssertFeasible(x, adv, float.PositiveInfinity, AttackNorm.LInf, "Gaussian noise");
    }

    [Fact]
    public void GaussianNoiseAndTrades_TrainAModelWithIds_WithoutPerturbingThem()
    {
        // Before per-input constraints, noise moved the ids off the integers and the Embedding threw.
        var (x, labels) = Data(64, 2);
        var data = new Dataset(x, F, labels, null);
        var noisy = new ConstrainedNet(seed: 1);
        noisy.Fit(data, new FitOptions { Epochs = 1, BatchSize = 8, GaussianNoise = 0.7f, Progress = ProgressMode.None });
        var trades = new ConstrainedNet(seed: 1);
        trades.Fit(data, new FitOptions { Epochs = 1, BatchSize = 8, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 1f, Method = AdversarialMethod.Trades, Steps = 3 } });
        Assert.True(double.IsFinite(noisy.Evaluate(x, labels).Loss), "noise-trained loss");
        Assert.True(double.IsFinite(trades.Evaluate(x, labels).Loss), "TRADES-trained loss");
    }
}
