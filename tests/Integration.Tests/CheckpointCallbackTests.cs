using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axon.Data;
using Axon.Optimizers;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>Checkpoints that resume bitwise, early stopping with restored weights, and the learning-rate plumbing (issue 13 item 3).</summary>
public sealed class CheckpointCallbackTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"axon-ckpt-{Guid.NewGuid():N}");

    public CheckpointCallbackTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FitOptions Options(int epochs, IReadOnlyList<Callback>? callbacks = null, string? resume = null) => new()
    {
        Epochs = epochs,
        BatchSize = 8,
        ValidationSplit = 0.2,
        Seed = 3,
        GaussianNoise = 0.01f,
        LearningRateSchedule = new CosineDecay(0.01f, warmupSteps: 5),
        Callbacks = callbacks,
        ResumeFrom = resume,
        Progress = ProgressMode.None,
    };

    [Fact]
    public void ResumeFromCheckpoint_IsBitwiseTheUninterruptedRun()
    {
        var data = DataCheckAndDivergenceTests.Classes(60, 6, 3, 21);
        var straight = new ToolkitNet();
        var full = straight.Fit(data, Options(5));

        string path = Path.Combine(_dir, "run.ckpt");
        // The interrupted run was planned for 5 epochs (the schedule depends on the total) and stopped after 2.
        var first = new ToolkitNet();
        var checkpoint = new ModelCheckpoint(path);
        first.Fit(data, Options(5, [checkpoint, new StopAfter(2)]));
        Assert.Equal(2, checkpoint.LastSavedEpoch);

        var resumed = new ToolkitNet(seed: 99);   // different initial weights: everything must come from the checkpoint
        var rest = resumed.Fit(data, Options(5, resume: path));

        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(straight.Optimizer.State.ToArray(), resumed.Optimizer.State.ToArray());
        Assert.Equal(straight.Optimizer.StepCount, resumed.Optimizer.StepCount);
        Assert.Equal(5, rest.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(full[i].TrainLoss, rest[i].TrainLoss);
            Assert.Equal(full[i].ValidationLoss, rest[i].ValidationLoss);
            Assert.Equal(full[i].LearningRate, rest[i].LearningRate);
        }
        Assert.Equal(["run.ckpt"], Directory.GetFiles(_dir).Select(Path.GetFileName));   // atomic saves leave no temporary files
    }

    [Fact]
    public void ResumeWithDropout_IsBitwise()
    {
        var data = DataCheckAndDivergenceTests.Classes(48, 6, 3, 26);
        var straight = new ToolkitDropNet();
        straight.Fit(data, Options(4));
        string path = Path.Combine(_dir, "drop.ckpt");
        new ToolkitDropNet().Fit(data, Options(4, [new ModelCheckpoint(path), new StopAfter(2)]));
        var resumed = new ToolkitDropNet(seed: 5);
        resumed.Fit(data, Options(4, resume: path));
        Assert.Equal(straight.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(((IModel)straight).RandomState!.Value.NextUInt32(), ((IModel)resumed).RandomState!.Value.NextUInt32());
    }

    [Fact]
    public void Resume_WithOtherOptionsOrModel_ThrowsAndChangesNothing()
    {
        var data = DataCheckAndDivergenceTests.Classes(60, 6, 3, 22);
        string path = Path.Combine(_dir, "e{epoch}.ckpt");
        new ToolkitNet().Fit(data, Options(1, [new ModelCheckpoint(path)]));
        string saved = Path.Combine(_dir, "e1.ckpt");
        Assert.True(File.Exists(saved));

        var model = new ToolkitNet(seed: 7);
        var before = model.Parameters.ToArray();
        var o = Options(3, resume: saved);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(data, new FitOptions { Epochs = 3, BatchSize = 16, ValidationSplit = 0.2, Seed = 3, ResumeFrom = saved, Progress = ProgressMode.None }));
        Assert.Contains("BatchSize", e.Message);
        Assert.Equal(before, model.Parameters.ToArray());

        var bytes = File.ReadAllBytes(saved);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(saved, bytes);
        Assert.Throws<InvalidDataException>(() => model.Fit(data, o));
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void ModelCheckpoint_SaveBestOnlyWeightsOnly_WritesTheBestEpochsWeightsInTheModelsFormat()
    {
        var data = DataCheckAndDivergenceTests.Classes(80, 6, 3, 27);
        var validation = DataCheckAndDivergenceTests.Classes(40, 6, 3, 28);
        string path = Path.Combine(_dir, "best.safetensors");
        var model = new ToolkitNet(optimizer: new Sgd(3f));
        var snapshots = new List<float[]>();
        var checkpoint = new ModelCheckpoint(path, saveBestOnly: true, weightsOnly: true);
        var history = model.Fit(data, new FitOptions
        {
            Epochs = 8, BatchSize = 8, Validation = validation, Progress = ProgressMode.None,
            OnEpochEnd = _ => snapshots.Add(model.Parameters.ToArray()),
            Callbacks = [checkpoint],
        });
        int best = history.OrderBy(r => r.ValidationLoss).First().Epoch;
        Assert.Equal(best, checkpoint.LastSavedEpoch);
        var loaded = new ToolkitNet(seed: 11);
        loaded.Load(path);
        Assert.Equal(snapshots[best - 1], loaded.Parameters.ToArray());
    }

    [Fact]
    public void EarlyStopping_StopsAndRestoresTheBestEpochsWeights()
    {
        var data = DataCheckAndDivergenceTests.Classes(80, 6, 3, 23);
        var validation = DataCheckAndDivergenceTests.Classes(40, 6, 3, 24);
        var model = new ToolkitNet(optimizer: new Sgd(3f));   // a rate high enough to make the validation loss wander
        var snapshots = new List<float[]>();
        var stop = new EarlyStopping(Monitor.ValidationLoss, patience: 2, restoreBestWeights: true);
        var history = model.Fit(data, new FitOptions
        {
            Epochs = 30, BatchSize = 8, Validation = validation, Progress = ProgressMode.None,
            OnEpochEnd = _ => snapshots.Add(model.Parameters.ToArray()),
            Callbacks = [stop],
        });
        int best = history.OrderBy(r => r.ValidationLoss).First().Epoch;
        Assert.Equal(best, stop.BestEpoch);
        if (history.Count < 30)
        {
            Assert.Equal(history.Count, stop.StoppedEpoch);
            Assert.Equal(best + 2, history.Count);
        }
        Assert.Equal(snapshots[best - 1], model.Parameters.ToArray());
    }

    [Fact]
    public void Schedule_SetsTheOptimizersRateEveryStep()
    {
        var data = DataCheckAndDivergenceTests.Classes(32, 6, 3, 25);
        var model = new ToolkitNet();
        var schedule = new StepDecay(0.1f, stepSize: 2, gamma: 0.5f);
        var history = model.Fit(data, new FitOptions { Epochs = 5, BatchSize = 8, LearningRateSchedule = schedule, Progress = ProgressMode.None });
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025], history.Select(r => Math.Round(r.LearningRate, 6)));
    }

    private sealed class StopAfter(int epochs) : Callback
    {
        public override void OnEpochEnd(TrainingContext context, EpochResult result)
        {
            if (result.Epoch == epochs) context.StopTraining("simulated interruption");
        }
    }
}
