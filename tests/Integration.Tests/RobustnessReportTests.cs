using Axon.Testing;
using System;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using Axon.Adversarial;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>A FashionMlp trained for two epochs on the committed subset, and its report (every attack) on 500 test samples: shared by the tests.</summary>
public sealed class TrainedFashionFixture
{
    public TrainedFashionFixture()
    {
        (Train, Test) = FashionMnist.Load(FashionMnist.FindSubsetDirectory(AppContext.BaseDirectory));
        Model = new FashionMlp(seed: 1);
        Model.Fit(Train, new FitOptions { Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None });
        Report = RobustnessReport.Run(Model, Test, new RobustnessOptions
        {
            MaxSamples = 500, PgdSteps = 5, MiFgsmSteps = 5, Attacks = RobustnessOptions.AllAttacks,
            CarliniWagner = new CarliniWagnerOptions { Steps = 30, BinarySearchSteps = 3 },
        });
    }

    public Dataset Train { get; }
    public Dataset Test { get; }
    public FashionMlp Model { get; }
    public RobustnessReport Report { get; }
}

public class RobustnessReportTests(TrainedFashionFixture fixture) : IClassFixture<TrainedFashionFixture>
{
    private readonly RobustnessReport _report = fixture.Report;

    [Fact]
    public void EpsilonZeroRow_EqualsCleanAccuracy_WhichMatchesTheModelsOwnEvaluation()
    {
        var first = fixture.Test.Subset(Enumerable.Range(0, 500).ToArray());
        Assert.Equal(fixture.Model.Evaluate(first).Accuracy, _report.CleanAccuracy, 12);
        Assert.Equal(500, _report.SampleCount);
        foreach (var attack in _report.Attacks)
        {
            var zero = _report.Get(attack, 0f);
            Assert.Equal(_report.CleanAccuracy, zero.RobustAccuracy);
            Assert.Equal(0, zero.Flipped);
            Assert.Equal(0, zero.MeanLinf);
        }
        Assert.True(_report.AllChecksPassed, string.Join("; ", _report.Checks.Select(c => c.Detail)));
    }

    [Fact]
    public void RobustAccuracy_FallsWithEpsilon_AndPerturbationsStayInTheBall()
    {
        Assert.Equal([0f, 0.01f, 0.03f, 0.05f, 0.1f], _report.Epsilons);
        Assert.Equal([0f, 0.25f, 0.5f, 1f, 2f], _report.L2Epsilons);
        Assert.Equal(RobustnessOptions.AllAttacks, _report.Attacks);
        foreach (var attack in _report.Attacks)
        {
            var rows = _report.Results.Where(r => r.Attack == attack).ToArray();
            Assert.Equal(_report.EpsilonsOf(attack), rows.Select(r => r.Epsilon));
            int tolerance = attack is RobustnessAttack.Pgd or RobustnessAttack.PgdL2 or RobustnessAttack.MiFgsm ? 1 : 0;
            for (int i = 1; i < rows.Length; i++)
            {
                Assert.True(rows[i].RobustCorrect <= rows[i - 1].RobustCorrect + tolerance,
                    $"{attack}: {rows[i - 1].RobustCorrect} → {rows[i].RobustCorrect} correct from ε {rows[i - 1].Epsilon} to {rows[i].Epsilon}");
                if (rows[i].Norm == AttackNorm.LInf)
                {
                    Assert.InRange(rows[i].MeanLinf, 0, rows[i].Epsilon + 1e-6);
                    Assert.InRange(rows[i].MeanL2, 0, rows[i].Epsilon * Math.Sqrt(784) + 1e-4);
                }
                else
                    Assert.InRange(rows[i].MeanL2, 0, rows[i].Epsilon * (1 + 1e-5));
            }
            Assert.True(rows[^1].RobustAccuracy < _report.CleanAccuracy - 0.2, $"{attack} at the largest ε should hurt: {rows[^1].RobustAccuracy}");
            Assert.Equal(rows[^1].Flipped / (_report.CleanAccuracy * 500), rows[^1].AttackSuccessRate, 9);
        }
        Assert.True(_report.Get(RobustnessAttack.Pgd, 0.1f).RobustCorrect <= _report.Get(RobustnessAttack.Fgsm, 0.1f).RobustCorrect + 1);
        Assert.True(_report.LossSensitivity > 0);
    }

    [Fact]
    public void MinimalPerturbations_GiveTheEmpiricalRobustness_AndTheirRowsReadTheSameRun()
    {
        Assert.Equal([RobustnessAttack.DeepFool, RobustnessAttack.CarliniWagnerL2], _report.MinimalPerturbations.Select(m => m.Attack));
        var deepFool = _report.MinimalPerturbations[0];
        var cw = _report.MinimalPerturbations[1];
        int cleanCorrect = (int)Math.Round(_report.CleanAccuracy * 500);
        Assert.Equal(500, deepFool.Attempted);
        Assert.Equal(cleanCorrect, cw.Attempted);
        Assert.True(deepFool.Found >= 490, $"DeepFool crossed on {deepFool.Found}/500");
        Assert.True(cw.Found >= cw.Attempted * 9 / 10, $"CW found {cw.Found}/{cw.Attempted}");
        Assert.Equal(deepFool.MeanRelativeL2, _report.EmpiricalRobustness);
        Assert.InRange(_report.EmpiricalRobustness, 0.005, 0.5);
        foreach (var m in _report.MinimalPerturbations)
        {
            Assert.InRange(m.MedianL2, 0.01, 5);
            Assert.True(m.MeanLinf <= m.MeanL2 + 1e-9);
            // At ε = ∞ every found sample counts; at the largest ε the flipped ones are those found within it.
            var top = _report.Get(m.Attack, 2f);
            Assert.True(top.Flipped <= m.Found);
            Assert.Equal(cleanCorrect, top.RobustCorrect + top.Flipped);
        }
    }

    [Fact]
    public void Restarts_AppearInTheLabels_AndDoNotWeakenPgd()
    {
        var options = new RobustnessOptions { Epsilons = [0f, 0.03f], L2Epsilons = [0f, 0.5f], Attacks = [RobustnessAttack.Pgd, RobustnessAttack.PgdL2], PgdSteps = 5, MaxSamples = 200 };
        var single = RobustnessReport.Run(fixture.Model, fixture.Test, options);
        var restarted = RobustnessReport.Run(fixture.Model, fixture.Test, new RobustnessOptions
        {
            Epsilons = options.Epsilons, L2Epsilons = options.L2Epsilons, Attacks = options.Attacks, PgdSteps = 5, MaxSamples = 200, PgdRestarts = 3,
        });
        Assert.Equal("PGD-5×3", restarted.Label(RobustnessAttack.Pgd));
        Assert.Equal("PGD-L2-5×3", restarted.Label(RobustnessAttack.PgdL2));
        Assert.True(restarted.Get(RobustnessAttack.Pgd, 0.03f).RobustCorrect <= single.Get(RobustnessAttack.Pgd, 0.03f).RobustCorrect);
        Assert.True(restarted.Get(RobustnessAttack.PgdL2, 0.5f).RobustCorrect <= single.Get(RobustnessAttack.PgdL2, 0.5f).RobustCorrect);
        Assert.True(restarted.AllChecksPassed);
    }

    [Fact]
    public void Json_ParsesAndHasTheFields()
    {
        using var doc = JsonDocument.Parse(_report.ToJson());
        var root = doc.RootElement;
        Assert.Equal("FashionMlp", root.GetProperty("model").GetString());
        Assert.Equal(500, root.GetProperty("samples").GetInt32());
        Assert.Equal(_report.CleanAccuracy, root.GetProperty("cleanAccuracy").GetDouble());
        Assert.Equal(_report.LossSensitivity, root.GetProperty("lossSensitivity").GetDouble());
        Assert.Equal(_report.EmpiricalRobustness, root.GetProperty("empiricalRobustness").GetDouble());
        Assert.Equal(5, root.GetProperty("settings").GetProperty("epsilons").GetArrayLength());
        Assert.Equal(5, root.GetProperty("settings").GetProperty("l2Epsilons").GetArrayLength());
        Assert.Equal(5, root.GetProperty("settings").GetProperty("pgdSteps").GetInt32());
        Assert.Equal(30, root.GetProperty("settings").GetProperty("carliniWagner").GetProperty("steps").GetInt32());
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(30, results.Length);
        foreach (var r in results)
            foreach (var field in new[] { "attack", "norm", "epsilon", "robustAccuracy", "attackSuccessRate", "meanLinf", "meanL2", "robustCorrect", "flipped" })
                Assert.True(r.TryGetProperty(field, out _), $"missing {field}");
        Assert.Equal(["FGSM", "PGD-5", "MI-FGSM-5", "PGD-L2-5", "DeepFool", "CW-L2"], results.Select(r => r.GetProperty("attack").GetString()).Distinct());
        Assert.Equal(["Linf", "L2"], results.Select(r => r.GetProperty("norm").GetString()).Distinct());
        Assert.Equal(0.03, results[2].GetProperty("epsilon").GetDouble(), 6);
        Assert.Equal(0.5, results[17].GetProperty("epsilon").GetDouble(), 6);
        var minimal = root.GetProperty("minimalPerturbations").EnumerateArray().ToArray();
        Assert.Equal(2, minimal.Length);
        Assert.Equal(_report.MinimalPerturbations[1].MeanL2, minimal[1].GetProperty("meanL2").GetDouble());
        Assert.Equal(12, root.GetProperty("checks").GetArrayLength());
        Assert.True(root.GetProperty("allChecksPassed").GetBoolean());
    }

    [Fact]
    public void Svg_IsWellFormed_WithOnePolylinePerAttack_InAPanelPerNorm()
    {
        XNamespace svg = "http://www.w3.org/2000/svg";
        var doc = XDocument.Parse(_report.ToSvg());
        Assert.Equal(svg + "svg", doc.Root!.Name);
        var lines = doc.Descendants(svg + "polyline").ToArray();
        Assert.Equal(6, lines.Length);
        foreach (var line in lines)
            Assert.Equal(5, line.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var panels = doc.Descendants(svg + "g").Where(g => (string?)g.Attribute("class") == "panel").ToArray();
        Assert.Equal(["Linf", "L2"], panels.Select(p => (string?)p.Attribute("data-norm")));
        Assert.Equal(3, panels[1].Descendants(svg + "polyline").Count());
        Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "FGSM");
        Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "CW-L2");
        Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "0.1");

        var both = XDocument.Parse(RobustnessReport.ToSvg([("a", _report), ("b & c", _report)]));
        Assert.Equal(12, both.Descendants(svg + "polyline").Count());

        var linfOnly = RobustnessReport.Run(fixture.Model, fixture.Test, new RobustnessOptions { Attacks = [RobustnessAttack.Fgsm], MaxSamples = 50 });
        Assert.Single(XDocument.Parse(linfOnly.ToSvg()).Descendants(svg + "g"), g => (string?)g.Attribute("class") == "panel");
    }

    [Fact]
    public void Markdown_HasTheTableTheChecksAndTheSummary()
    {
        string md = _report.ToMarkdown();
        Assert.Contains("| Attack | ε | Robust accuracy |", md);
        Assert.Contains("| PGD-5 | 0.05 |", md);
        Assert.Contains("| PGD-L2-5 | 0.5 |", md);
        Assert.Contains("| DeepFool | 1 |", md);
        Assert.Contains("| Attack | Found | Mean ‖δ‖₂ |", md);
        Assert.Contains("Empirical robustness (DeepFool", md);
        Assert.Contains("PASS: FGSM: ε = 0 robust accuracy equals clean accuracy", md);
        Assert.Contains("PASS: CW-L2: robust accuracy does not rise with ε", md);
        Assert.Contains("**Summary.**", md);
        Assert.DoesNotContain("FAIL", md);
    }

    [Fact]
    public void Run_RejectsEpsilonsWithoutZero_AndModelsWithoutAccuracy()
    {
        var e = Assert.Throws<ArgumentException>(() => RobustnessReport.Run(fixture.Model, fixture.Test, new RobustnessOptions { Epsilons = [0.1f] }));
        Assert.Contains("does not include 0", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustnessReport.Run(fixture.Model, fixture.Test, new RobustnessOptions { Epsilons = [0f, -1f] }));
        Assert.Throws<ArgumentException>(() => RobustnessReport.Run(fixture.Model, fixture.Test, new RobustnessOptions { L2Epsilons = [0.5f] }));
        var regressor = new SoftmaxRegressor();
        var data = Dataset.FromRegression(new float[8], new float[6], 4, 3);
        Assert.Throws<ArgumentException>(() => RobustnessReport.Run(regressor, data));
        // A binary model has an accuracy but no class logits: the default leaves DeepFool out (the suite attacks its one logit), asking for it is an error.
        var binary = new BinaryModel();
        var binaryData = Dataset.FromRegression(new float[12], new float[] { 0, 1, 0, 1 }, 3, 1);
        var report = RobustnessReport.Run(binary, binaryData);
        Assert.Equal([RobustnessAttack.Fgsm, RobustnessAttack.Pgd, RobustnessAttack.Standard], report.Attacks);
        Assert.True(double.IsNaN(report.EmpiricalRobustness));
        Assert.Throws<NotSupportedException>(() => RobustnessReport.Run(binary, binaryData, new RobustnessOptions { Attacks = [RobustnessAttack.DeepFool] }));
    }

    [Fact]
    public void AdversarialTraining_LowersFgsmError()
    {
        var options = new RobustnessOptions { Epsilons = [0f, 0.1f], Attacks = [RobustnessAttack.Fgsm], MaxSamples = 500 };
        var hardened = new FashionMlp(seed: 1);
        hardened.Fit(fixture.Train, new FitOptions
        {
            Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None,
            Adversarial = new AdversarialTrainingOptions { Epsilon = 0.1f },
        });
        double plain = RobustnessReport.Run(fixture.Model, fixture.Test, options).Get(RobustnessAttack.Fgsm, 0.1f).RobustAccuracy;
        double robust = RobustnessReport.Run(hardened, fixture.Test, options).Get(RobustnessAttack.Fgsm, 0.1f).RobustAccuracy;
        Assert.True(robust > plain + 0.15, $"FGSM accuracy at ε 0.1: plain {plain}, adversarially trained {robust}");
    }

    [Fact]
    public void MadryPgdTraining_LowersPgdError()
    {
        var options = new RobustnessOptions { Epsilons = [0f, 0.1f], Attacks = [RobustnessAttack.Pgd], PgdSteps = 10, MaxSamples = 500 };
        var hardened = new FashionMlp(seed: 1);
        hardened.Fit(fixture.Train, new FitOptions
        {
            Epochs = 2, BatchSize = 64, Seed = 1, Progress = ProgressMode.None,
            Adversarial = new AdversarialTrainingOptions { Epsilon = 0.1f, Method = AdversarialMethod.Pgd, Steps = 5 },
        });
        var plain = RobustnessReport.Run(fixture.Model, fixture.Test, options);
        var robust = RobustnessReport.Run(hardened, fixture.Test, options);
        double before = plain.Get(RobustnessAttack.Pgd, 0.1f).RobustAccuracy, after = robust.Get(RobustnessAttack.Pgd, 0.1f).RobustAccuracy;
        Assert.True(after > before + 0.2, $"PGD-10 accuracy at ε 0.1: plain {before}, PGD-trained {after} (clean {plain.CleanAccuracy} → {robust.CleanAccuracy})");
    }

    [Fact]
    public void FeatureSqueezing_DoesNotStopAnAdaptiveAttack()
    {
        var squeezed = new SqueezedModel(fixture.Model, new FeatureSqueezing { Bits = 3 });
        var options = new RobustnessOptions { Epsilons = [0f, 0.1f], Attacks = [RobustnessAttack.Pgd], PgdSteps = 10, MaxSamples = 500 };
        var report = RobustnessReport.Run(squeezed, fixture.Test, options);
        double clean = report.CleanAccuracy, attacked = report.Get(RobustnessAttack.Pgd, 0.1f).RobustAccuracy;
        Assert.True(clean > 0.7, $"3-bit squeezing should keep most clean accuracy: {clean}");
        Assert.True(attacked < clean - 0.3, $"BPDA PGD-10 at ε 0.1 on the squeezed model: clean {clean}, attacked {attacked}");
    }

    [Fact]
    public void AdversarialTraining_WithAlphaOne_IsPlainTraining()
    {
        var data = fixture.Train.Subset(Enumerable.Range(0, 256).ToArray());
        var plain = new FashionMlp(seed: 2);
        var weighted = new FashionMlp(seed: 2);
        plain.Fit(data, new FitOptions { BatchSize = 64, Progress = ProgressMode.None });
        weighted.Fit(data, new FitOptions { BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Alpha = 1 } });
        Assert.Equal(plain.Hidden.Weight.ToArray(), weighted.Hidden.Weight.ToArray());
        Assert.Equal(plain.Logits.Bias.ToArray(), weighted.Logits.Bias.ToArray());

        // α = ⅓ is a batch of one clean and two FGSM copies: 3·32 ≤ 128.
        var third = new FashionMlp(seed: 2);
        var history = third.Fit(data, new FitOptions { BatchSize = 32, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Alpha = 1.0 / 3 } });
        Assert.True(double.IsFinite(history.Last.TrainLoss));
    }

    [Fact]
    public void AdversarialTraining_RejectsWhatItCannotDoExactly_BeforeTouchingTheModel()
    {
        var model = new FashionMlp(seed: 3);
        var before = model.Hidden.Weight.ToArray();
        var data = fixture.Train.Subset(Enumerable.Range(0, 256).ToArray());
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 128, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f },
        }));
        Assert.Contains("2·BatchSize ≤ MaxBatchSize", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.1f, Alpha = 0.3 },
        }));
        Assert.Contains("cannot be applied exactly", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(data, new FitOptions
        {
            BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = float.NaN },
        }));
        Assert.Equal(before, model.Hidden.Weight.ToArray());
    }

    [Fact]
    public void AdversarialTraining_AllocatesNothingPerBatch()
    {
        var data = fixture.Train.Subset(Enumerable.Range(0, 512).ToArray());
        var model = new FashionMlp(seed: 4);
        long Allocated(int epochs)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(data, new FitOptions { Epochs = epochs, BatchSize = 64, Progress = ProgressMode.None, Adversarial = new() { Epsilon = 0.05f } });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(1);
        // 8 batches per epoch: 40 more batches. Least of three, as in Allocations.
        long one = long.MaxValue, six = long.MaxValue;
        for (int attempt = 0; attempt < 3 && (attempt == 0 || six - one >= 1024); attempt++)
        {
            one = Math.Min(one, Allocated(1));
            six = Math.Min(six, Allocated(6));
        }
        Assert.True(six - one < 1024, $"1 epoch allocated {one} bytes, 6 epochs {six}");
    }
}
