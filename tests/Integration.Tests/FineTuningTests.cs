using System;
using System.Collections.Generic;
using System.Linq;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// Freezing by range, gradual unfreezing, discriminative learning rates and the FineTune recipe on
/// <see cref="StackedCnn"/> (BatchNorm after both convolutions), whose default groups are
/// [Conv1, Norm1, Pool], [Conv2, Norm2, Flat], [Hidden1], [Hidden2], [Logits].
/// </summary>
public class FineTuningTests
{
    /// <summary>Group of each StackedCnn layer under the default grouping, in declaration order.</summary>
    private static readonly int[] DefaultGroupOf = [0, 0, 0, 1, 1, 1, 2, 3, 4];

    /// <summary>Everything a layer owns in the arena: weight and bias, and for BatchNorm also the running mean and variance.</summary>
    private static float[] State(ReadOnlySpan<float> parameters, Layer layer) =>
        parameters.Slice(layer.ParameterOffset, layer.Kind == "BatchNorm" ? 2 * layer.ParameterCount : layer.ParameterCount).ToArray();

    private static float[][] States(ReadOnlySpan<float> parameters, IReadOnlyList<Layer> layers)
    {
        var states = new float[layers.Count][];
        for (int i = 0; i < layers.Count; i++) states[i] = State(parameters, layers[i]);
        return states;
    }

    /// <summary>
    /// 8×8 images of eight shape classes at random positions over uniform noise: 0 horizontal bar,
    /// 1 vertical bar, 2 diagonal, 3 anti-diagonal, 4 filled 3×3 square, 5 plus, 6 X, 7 4×4 ring.
    /// Labels are positions in <paramref name="classes"/>.
    /// </summary>
    private static Dataset Shapes(int[] classes, int perClass, int seed)
    {
        var rng = new Rng(seed);
        int n = classes.Length * perClass;
        var x = new float[n * 64];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int label = i % classes.Length;
            labels[i] = label;
            int start = i * 64;
            for (int p = 0; p < 64; p++) x[start + p] = 0.3f * rng.NextSingle();
            void Set(int r, int c) => x[start + r * 8 + c] = 0.7f + 0.3f * rng.NextSingle();
            int a = (int)(rng.NextSingle() * 4), b = (int)(rng.NextSingle() * 4), row = 1 + (int)(rng.NextSingle() * 6);
            int cr = 2 + (int)(rng.NextSingle() * 4), cc = 2 + (int)(rng.NextSingle() * 4);
            switch (classes[label])
            {
                case 0: for (int k = 0; k < 5; k++) Set(row, a + k); break;
                case 1: for (int k = 0; k < 5; k++) Set(a + k, row); break;
                case 2: for (int k = 0; k < 5; k++) Set(a + k, b + k); break;
                case 3: for (int k = 0; k < 5; k++) Set(a + k, b + 4 - k); break;
                case 4: for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) Set(a + r, b + c); break;
                case 5: for (int k = -2; k <= 2; k++) { Set(cr + k, cc); Set(cr, cc + k); } break;
                case 6: for (int k = -2; k <= 2; k++) { Set(cr + k, cc + k); Set(cr + k, cc - k); } break;
                case 7: for (int k = 0; k < 4; k++) { Set(a, b + k); Set(a + 3, b + k); Set(a + k, b); Set(a + k, b + 3); } break;
            }
        }
        return Dataset.FromClassification(x, labels, 64);
    }

    // ---------------------------------------------------------------- freezing by range

    [Fact]
    public void FreezeUpTo_KeepsEveryFrozenParameterAndStatistic_BitForBit_WhileTheRestTrains()
    {
        var model = new StackedCnn(seed: 1);
        var data = Shapes([0, 1, 2, 3, 4], 6, seed: 2);
        model.FreezeUpTo(model.Hidden2);
        Assert.Equal([true, true, true, true, true, true, true, true, false], model.Layers.Select(l => l.IsFrozen));

        var before = States(model.Parameters, model.Layers);
        for (int i = 0; i < 5; i++) model.TrainStep(data.Features, data.Labels!);
        var after = States(model.Parameters, model.Layers);
        for (int i = 0; i < 8; i++) Assert.Equal(before[i], after[i]);
        Assert.NotEqual(before[8], after[8]);
    }

    [Fact]
    public void FreezeUpTo_ALowerLayer_KeepsItsStatistics_WhileAnUnfrozenBatchNormUpdatesItsOwn()
    {
        var model = new StackedCnn(seed: 1);
        var data = Shapes([0, 1, 2, 3, 4], 6, seed: 2);
        model.FreezeUpTo(model.Norm1);
        Assert.Equal([true, true, false, false, false, false, false, false, false], model.Layers.Select(l => l.IsFrozen));

        var norm1 = State(model.Parameters, model.Norm1);
        var norm2 = State(model.Parameters, model.Norm2);
        var conv2 = State(model.Parameters, model.Conv2);
        for (int i = 0; i < 3; i++) model.TrainStep(data.Features, data.Labels!);
        Assert.Equal(norm1, State(model.Parameters, model.Norm1));
        var norm2After = State(model.Parameters, model.Norm2);
        // Norm2's γ, β, running mean and running variance all moved (8 channels each).
        for (int part = 0; part < 4; part++)
            Assert.NotEqual(norm2.AsSpan(part * 8, 8).ToArray(), norm2After.AsSpan(part * 8, 8).ToArray());
        Assert.NotEqual(conv2, State(model.Parameters, model.Conv2));

        model.UnfreezeAll();
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
        model.TrainStep(data.Features, data.Labels!);
        var norm1After = State(model.Parameters, model.Norm1);
        Assert.NotEqual(norm1.AsSpan(8, 4).ToArray(), norm1After.AsSpan(8, 4).ToArray());   // running mean (4 channels)
    }

    [Fact]
    public void FreezeUpTo_RejectsAnotherInstancesLayer_AndChangesNothing()
    {
        var model = new StackedCnn(seed: 1);
        var other = new StackedCnn(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => model.FreezeUpTo(other.Hidden2));
        Assert.Contains("Hidden2", e.Message);
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
        Assert.Throws<ArgumentNullException>(() => model.FreezeUpTo(null!));
    }

    // ---------------------------------------------------------------- groups and discriminative rates

    [Fact]
    public void LayerGroups_Default_PutsNormalisationAndParameterFreeLayersWithTheLayerBefore()
    {
        var model = new StackedCnn();
        var groups = model.LayerGroups();
        Assert.Equal(DefaultGroupOf.Max() + 1, groups.Count);
        for (int i = 0; i < model.Layers.Count; i++)
            Assert.Contains(model.Layers[i], groups[DefaultGroupOf[i]]);
        Assert.Equal([model.Conv1, model.Norm1, model.Pool], groups[0]);

        var custom = model.LayerGroups([model.Conv2, model.Hidden2]);
        Assert.Equal([7, 2], custom.Select(g => g.Count));   // layers before the first start join the first group
        Assert.Throws<ArgumentException>(() => model.LayerGroups([model.Hidden2, model.Conv2]));
        Assert.Throws<ArgumentException>(() => model.LayerGroups([]));
    }

    [Fact]
    public void DiscriminativeRates_SpreadGeometricallyOverTheTrainableGroups_AndScaleTheUpdates()
    {
        var model = new StackedCnn(seed: 5);
        float eta = model.Optimizer.LearningRate;
        Assert.Equal(0.01f, eta);
        model.SetDiscriminativeLearningRates(1e-4f, 1e-2f);

        // Five groups: η_k = 1e-4·(1e-2/1e-4)^(k/4), scale η_k/η.
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            double expected = layer.ParameterCount == 0 ? 1.0 : 1e-4 * Math.Pow(100, DefaultGroupOf[i] / 4.0) / eta;
            Assert.True(Math.Abs(layer.LearningRateScale - expected) <= 1e-6 * expected, $"{layer.Name}: scale {layer.LearningRateScale}, expected {expected}");
        }

        // Adam's first step moves each weight by η·scale·g/(|g| + ε) ≈ η·scale: the largest move in
        // each layer is its rate, so the scales really reach the optimizer.
        var data = Shapes([0, 1, 2, 3, 4], 6, seed: 3);
        var before = model.Parameters.ToArray();
        model.TrainStep(data.Features, data.Labels!);
        foreach (var layer in model.Layers.Where(l => l.ParameterCount > 0))
        {
            double largest = 0;
            for (int p = layer.ParameterOffset; p < layer.ParameterOffset + layer.ParameterCount; p++)
                largest = Math.Max(largest, Math.Abs(model.Parameters[p] - before[p]));
            double rate = eta * layer.LearningRateScale;
            Assert.True(Math.Abs(largest - rate) <= 0.01 * rate, $"{layer.Name}: largest update {largest:G4}, rate {rate:G4}");
        }
    }

    [Fact]
    public void DiscriminativeRates_SkipFrozenGroups_AndCheckTheirArguments()
    {
        var model = new StackedCnn(seed: 5);
        model.Conv1.LearningRateScale = 0.25f;
        model.FreezeUpTo(model.Norm2);
        model.SetDiscriminativeLearningRates(1e-3f, 1e-2f);
        // Trainable groups: [Hidden1], [Hidden2], [Logits] → 1e-3, 10^-2.5, 1e-2 over η = 1e-2.
        Assert.Equal(0.1f, model.Hidden1.LearningRateScale, 5);
        Assert.Equal((float)Math.Pow(10, -0.5), model.Hidden2.LearningRateScale, 5);
        Assert.Equal(1f, model.Logits.LearningRateScale, 5);
        Assert.Equal(0.25f, model.Conv1.LearningRateScale);
        Assert.Equal(1f, model.Conv2.LearningRateScale);

        model.SetDiscriminativeLearningRates(3e-3f, 3e-3f, [model.Hidden1]);   // one group: every trainable layer at 3e-3
        Assert.All(new[] { model.Hidden1, model.Hidden2, model.Logits }, l => Assert.Equal(0.3f, l.LearningRateScale, 5));

        Assert.Throws<ArgumentOutOfRangeException>(() => model.SetDiscriminativeLearningRates(1e-2f, 1e-3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SetDiscriminativeLearningRates(0f, 1e-3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.SetDiscriminativeLearningRates(1e-3f, float.PositiveInfinity));
        model.FreezeUpTo(model.Logits);
        Assert.Throws<InvalidOperationException>(() => model.SetDiscriminativeLearningRates(1e-3f, 1e-2f));

        model.ResetLearningRates();
        Assert.All(model.Layers, l => Assert.Equal(1f, l.LearningRateScale));
    }

    // ---------------------------------------------------------------- gradual unfreezing

    [Fact]
    public void GradualUnfreezing_UnfreezesOneMoreGroupFromTheTopEachEpoch_AndFrozenGroupsDoNotMove()
    {
        var model = new StackedCnn(seed: 6);
        var data = Shapes([0, 1, 2, 3, 4], 8, seed: 4);
        var frozen = new List<bool[]>();
        var states = new List<float[][]> { States(model.Parameters, model.Layers) };
        model.Fit(data, new FitOptions
        {
            Epochs = 6,
            BatchSize = 20,
            Progress = ProgressMode.None,
            Unfreezing = new GradualUnfreezing(),
            OnEpochEnd = _ =>
            {
                frozen.Add(model.Layers.Select(l => l.IsFrozen).ToArray());
                states.Add(States(model.Parameters, model.Layers));
            },
        });

        Assert.Equal(6, frozen.Count);
        for (int e = 1; e <= 6; e++)
        {
            int trainable = Math.Min(5, e);
            for (int i = 0; i < model.Layers.Count; i++)
            {
                var layer = model.Layers[i];
                bool expectFrozen = DefaultGroupOf[i] < 5 - trainable;
                Assert.True(expectFrozen == frozen[e - 1][i], $"epoch {e}: {layer.Name} frozen {frozen[e - 1][i]}, expected {expectFrozen}");
                if (layer.ParameterCount == 0) continue;
                bool moved = !states[e - 1][i].AsSpan().SequenceEqual(states[e][i]);
                Assert.True(moved != expectFrozen, $"epoch {e}: {layer.Name} {(moved ? "moved while frozen" : "did not move while trainable")}");
            }
        }
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
    }

    [Fact]
    public void GradualUnfreezing_HonoursInitialGroupsEpochsPerGroupAndCustomGroups()
    {
        var schedule = new GradualUnfreezing { InitialGroups = 2, EpochsPerGroup = 2 };
        Assert.Equal([2, 2, 3, 3, 4, 4, 5, 5], Enumerable.Range(1, 8).Select(e => schedule.TrainableGroups(e, 5)));
        Assert.Equal(1, new GradualUnfreezing { InitialGroups = 3 }.TrainableGroups(1, 1));

        var model = new StackedCnn();
        var custom = new GradualUnfreezing { GroupStarts = [model.Conv1, model.Hidden1, model.Logits] };
        custom.Apply(model, 1);
        Assert.Equal([true, true, true, true, true, true, true, true, false], model.Layers.Select(l => l.IsFrozen));
        custom.Apply(model, 2);
        Assert.Equal([true, true, true, true, true, true, false, false, false], model.Layers.Select(l => l.IsFrozen));
        custom.Apply(model, 3);
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
    }

    [Fact]
    public void GradualUnfreezing_WithABadSetting_ThrowsBeforeTraining()
    {
        var model = new StackedCnn(seed: 7);
        var data = Shapes([0, 1, 2, 3, 4], 2, seed: 5);
        var before = model.Parameters.ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(data, new FitOptions { Progress = ProgressMode.None, Unfreezing = new GradualUnfreezing { EpochsPerGroup = 0 } }));
        var other = new StackedCnn();
        Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions { Progress = ProgressMode.None, Unfreezing = new GradualUnfreezing { GroupStarts = [other.Hidden1] } }));
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
    }

    // ---------------------------------------------------------------- the recipe

    [Fact]
    public void FineTune_TrainsTheHeadOnAFrozenBody_ThenEverythingWithDiscriminativeRates_AndLearnsNewClasses()
    {
        // Pretrain on five shape classes, then learn three new ones (plus, X, ring) from 10 examples each.
        var pretrained = new StackedCnn(seed: 11);
        pretrained.Fit(Shapes([0, 1, 2, 3, 4], 60, seed: 12), epochs: 8, batchSize: 32, progress: ProgressMode.None);
        var target = Shapes([5, 6, 7], 10, seed: 13);
        var test = Shapes([5, 6, 7], 60, seed: 14);

        var model = new StackedCnnTuned(seed: 15);
        model.CopyFrom(pretrained);
        var body = States(model.Parameters, model.Layers.Take(8).ToList());
        var head = State(model.Parameters, model.Logits);
        int epochsSeen = 0;
        var result = FineTune.Run(model, target, new FineTuneOptions
        {
            Head = model.Logits,
            HeadEpochs = 4,
            Epochs = 8,
            BatchSize = 10,
            Progress = ProgressMode.None,
            OnEpochEnd = _ =>
            {
                if (++epochsSeen > 4) return;
                // Stage 1: the body (BatchNorm statistics included) is exactly the pretrained one.
                Assert.True(model.Layers.Take(8).All(l => l.IsFrozen) && !model.Logits.IsFrozen);
                var now = States(model.Parameters, model.Layers.Take(8).ToList());
                for (int i = 0; i < 8; i++) Assert.Equal(body[i], now[i]);
            },
        });

        Assert.Equal(4, result.Head.Count);
        Assert.Equal(8, result.All.Count);
        Assert.Equal(12, epochsSeen);
        Assert.True(result.TotalSeconds > 0);
        Assert.NotEqual(head, State(model.Parameters, model.Logits));
        Assert.NotEqual(body[0], State(model.Parameters, model.Conv1));
        Assert.NotEqual(body[4], State(model.Parameters, model.Norm2));
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
        // Stage 2 started from a reset optimizer: 8 epochs of 3 steps.
        Assert.Equal(24, model.Optimizer.StepCount);
        // Five groups, rates η·u·b^(1 − k/4) with the defaults u = 0.5, b = 0.1.
        for (int i = 0; i < 9; i++)
        {
            var layer = model.Layers[i];
            double expected = layer.ParameterCount == 0 ? 1.0 : 0.5 * Math.Pow(0.1, 1 - DefaultGroupOf[i] / 4.0);
            Assert.True(Math.Abs(layer.LearningRateScale - expected) <= 1e-6 * expected, $"{layer.Name}: scale {layer.LearningRateScale}, expected {expected}");
        }

        double tuned = model.Evaluate(test).Accuracy;
        var scratch = new StackedCnnTuned(seed: 15);
        scratch.Fit(target, epochs: 12, batchSize: 10, progress: ProgressMode.None);
        double fromScratch = scratch.Evaluate(test).Accuracy;
        // Measured: 0.900 fine-tuned, 0.689 from scratch (the pretrained model scores 0.96 on its own classes).
        Assert.True(tuned >= 0.8, $"fine-tuned accuracy {tuned:F3} (from scratch {fromScratch:F3})");
        Assert.True(tuned >= fromScratch + 0.1, $"fine-tuned accuracy {tuned:F3}, from scratch {fromScratch:F3}: the pretrained body should help");
    }

    [Fact]
    public void FineTune_ChecksItsSettingsBeforeChangingTheModel()
    {
        var model = new StackedCnnTuned(seed: 1);
        var data = Shapes([5, 6, 7], 2, seed: 1);
        var before = model.Parameters.ToArray();
        Assert.Throws<ArgumentException>(() => FineTune.Run(model, data, new FineTuneOptions { Head = model.Conv1, Progress = ProgressMode.None }));
        Assert.Throws<ArgumentException>(() => FineTune.Run(model, data, new FineTuneOptions { Head = new StackedCnnTuned().Logits, Progress = ProgressMode.None }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FineTune.Run(model, data, new FineTuneOptions { Head = model.Logits, BodyRateFactor = 2f, Progress = ProgressMode.None }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FineTune.Run(model, data, new FineTuneOptions { Head = model.Logits, HeadEpochs = 0, Epochs = 0, Progress = ProgressMode.None }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FineTune.Run(model, data, new FineTuneOptions { Head = model.Logits, BatchSize = 33, Progress = ProgressMode.None }));
        var fiveClasses = Shapes([0, 1, 2, 3, 4], 2, seed: 1);
        Assert.Throws<ArgumentException>(() => FineTune.Run(model, fiveClasses, new FineTuneOptions { Head = model.Logits, Progress = ProgressMode.None }));
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.All(model.Layers, l => Assert.False(l.IsFrozen));
    }
}
