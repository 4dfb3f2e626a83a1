using System;
using System.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;
using Xunit.Abstractions;

namespace Axon.Integration.Tests;

/// <summary>
/// TRADES (Zhang et al., 2019) through Fit, and adversarial training declared with <c>[AdversarialTraining]</c>.
/// </summary>
public class TradesTests(TrainedFashionFixture fixture, ITestOutputHelper output) : IClassFixture<TrainedFashionFixture>
{
    private Dataset Small(int count) => fixture.Train.Subset(Enumerable.Range(0, count).ToArray());

    [Fact]
    public void TradesTraining_RaisesPgdAccuracy_AboveNaturalTraining()
    {
        // Same recipe as the Madry test (2 epochs, batch 64, 5 attack steps, ε = 0.1), β = 6 (the paper's default).
        var options = new RobustnessOptions { Epsilons = [0f, 0.1f], Attacks = [RobustnessAttack.Pgd], PgdSteps = 10, MaxSamples = 500 };
        var hardened = new FashionMlp(seed: 1);
        hardened.Fit(fixture.Train, new FitOptions
        {
            Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None,
            Adversarial = new AdversarialTrainingOptions { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Steps = 5 },
        });
        var plain = RobustnessReport.Run(fixture.Model, fixture.Test, options);
        var robust = RobustnessReport.Run(hardened, fixture.Test, options);
        double before = plain.Get(RobustnessAttack.Pgd, 0.1f).RobustAccuracy, after = robust.Get(RobustnessAttack.Pgd, 0.1f).RobustAccuracy;
        output.WriteLine($"PGD-10 at ε 0.1: natural {before} (clean {plain.CleanAccuracy}), TRADES {after} (clean {robust.CleanAccuracy})");
        Assert.True(after > before + 0.2, $"PGD-10 accuracy at ε 0.1: natural {before}, TRADES {after} (clean {plain.CleanAccuracy} → {robust.CleanAccuracy})");
    }

    [Fact]
    public void TradesWithBetaZero_IsBitwisePlainTraining()
    {
        // β = 0 leaves the cross-entropy gradient on the clean rows and exactly 0 on the adversarial rows of the joint
        // batch, so with no batch statistics or dropout the update is plain training's, bit for bit.
        var data = Small(256);
        var plain = new FashionMlp(seed: 2);
        var trades = new FashionMlp(seed: 2);
        var a = plain.Fit(data, new FitOptions { Epochs = 2, BatchSize = 48, Seed = 5, Progress = ProgressMode.None });
        var b = trades.Fit(data, new FitOptions
        {
            Epochs = 2, BatchSize = 48, Seed = 5, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Steps = 2, Beta = 0 },
        });
        Assert.Equal(plain.Parameters.ToArray(), trades.Parameters.ToArray());
        Assert.Equal(a.Last.TrainLoss, b.Last.TrainLoss, 6);

        // And β > 0 does change the weights (the test above can fail).
        var other = new FashionMlp(seed: 2);
        other.Fit(data, new FitOptions
        {
            Epochs = 2, BatchSize = 48, Seed = 5, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Steps = 2, Beta = 1 },
        });
        Assert.NotEqual(plain.Parameters.ToArray(), other.Parameters.ToArray());
    }

    [Fact]
    public void Trades_IsDeterministic_AndRejectsWhatItCannotDo_BeforeTouchingTheModel()
    {
        var data = Small(256);
        var options = new FitOptions
        {
            BatchSize = 64, Seed = 3, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Steps = 2 },
        };
        var first = new FashionMlp(seed: 4);
        var second = new FashionMlp(seed: 4);
        first.Fit(data, options);
        second.Fit(data, options);
        Assert.Equal(first.Parameters.ToArray(), second.Parameters.ToArray());

        var model = new FashionMlp(seed: 3);
        var before = model.Parameters.ToArray();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 100, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades },
        }));
        Assert.Contains("2·BatchSize ≤ MaxBatchSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, RandomStart = false },
        }));
        Assert.Contains("RandomStart", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Beta = -1 },
        }));
        Assert.Equal(before, model.Parameters.ToArray());

        var regressor = new SoftmaxRegressor();
        var targets = Dataset.FromRegression(new float[8 * 4], new float[8 * 3], 4, 3);
        var n = Assert.Throws<NotSupportedException>(() => regressor.Fit(targets, new FitOptions
        {
            BatchSize = 4, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades },
        }));
        Assert.Contains("softmax cross-entropy", n.Message);
    }

    [Fact]
    public void Trades_AllocatesNothingPerBatch()
    {
        var data = Small(512);
        var model = new FashionMlp(seed: 4);
        var options = new FitOptions
        {
            BatchSize = 64, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.05f, Method = AdversarialMethod.Trades, Steps = 2 },
        };
        long Allocated(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(data, new FitOptions { Epochs = epochs, BatchSize = options.BatchSize, Progress = options.Progress, Adversarial = options.Adversarial });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(1);
        // 8 batches per epoch: 40 more batches cost no more than the fixed per-Fit buffers. Least of three, as in Allocations.
        long one = long.MaxValue, six = long.MaxValue;
        for (int attempt = 0; attempt < 3 && (attempt == 0 || six - one >= 1024); attempt++)
        {
            one = Math.Min(one, Allocated(1));
            six = Math.Min(six, Allocated(6));
        }
        Assert.True(six - one < 1024, $"1 epoch allocated {one} bytes, 6 epochs {six}");
    }

    [Fact]
    public void DeclaredAdversarialTraining_IsWhatFitUses_AndFitOptionsWin()
    {
        var data = Small(256);
        var fit = new FitOptions { Epochs = 1, BatchSize = 64, Seed = 7, Progress = ProgressMode.None };

        // [AdversarialTraining(0.1f, Method = Trades, Steps = 3, Beta = 4)] == FitOptions.Adversarial with the same values.
        var declared = new TradesFashionMlp(seed: 3);
        var optioned = new FashionMlp(seed: 3);
        Assert.Equal(optioned.Parameters.ToArray(), declared.Parameters.ToArray());
        declared.Fit(data, fit);
        optioned.Fit(data, new FitOptions
        {
            Epochs = 1, BatchSize = 64, Seed = 7, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Trades, Steps = 3, Beta = 4 },
        });
        Assert.Equal(optioned.Parameters.ToArray(), declared.Parameters.ToArray());

        var options = ((IModel)new TradesFashionMlp()).AdversarialTraining!;
        Assert.Equal((0.1f, AdversarialMethod.Trades, 3, 4.0, (float?)null, true), (options.Epsilon, options.Method, options.Steps, options.Beta, options.StepSize, options.RandomStart));
        Assert.Null(((IModel)new FashionMlp()).AdversarialTraining);

        // Madry's PGD declared with α = 0, every other setting the default.
        var madry = new MadryFashionMlp(seed: 3);
        var pgd = new FashionMlp(seed: 3);
        madry.Fit(data, fit);
        pgd.Fit(data, new FitOptions
        {
            Epochs = 1, BatchSize = 64, Seed = 7, Progress = ProgressMode.None,
            Adversarial = new() { Epsilon = 0.1f, Method = AdversarialMethod.Pgd, Alpha = 0 },
        });
        Assert.Equal(pgd.Parameters.ToArray(), madry.Parameters.ToArray());

        // FitOptions.Adversarial wins over the declaration.
        var overridden = new TradesFashionMlp(seed: 3);
        var fgsm = new FashionMlp(seed: 3);
        var fgsmOptions = new FitOptions { Epochs = 1, BatchSize = 64, Seed = 7, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.05f } };
        overridden.Fit(data, fgsmOptions);
        fgsm.Fit(data, fgsmOptions);
        Assert.Equal(fgsm.Parameters.ToArray(), overridden.Parameters.ToArray());
        Assert.NotEqual(declared.Parameters.ToArray(), overridden.Parameters.ToArray());
    }
}
