using System;
using System.Collections.Generic;
using System.IO;
using Axon.Data;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// Data-parallel Fit (FitOptions.ProcessGroup) in one process, against in-process groups: a group of one, and a "twin" group whose
/// other rank is this one's exact copy (so every sum is twice the local value). The real transport is tested under mpirun in
/// tests/Distributed.Tests.
/// </summary>
public class DataParallelTests
{
    /// <summary>A group of <c>size</c> ranks whose other ranks hold exactly this rank's values; records what Fit asked of it.</summary>
    private sealed class TwinGroup(int rank, int size) : ProcessGroup
    {
        public List<int> FloatReduces { get; } = [];
        public int Broadcasts { get; private set; }
        public Exception? Aborted { get; private set; }
        public Func<long[], long[]>? OtherRanks { get; init; }
        public bool Record { get; init; } = true;   // off where allocations are counted: the list grows

        public override int Rank => rank;
        public override int Size => size;

        public override void AllReduceSum(Span<float> values)
        {
            if (Record) FloatReduces.Add(values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                float v = values[i];
                for (int r = 1; r < size; r++) values[i] += v;
            }
        }

        public override void AllReduceSum(Span<double> values)
        {
            for (int i = 0; i < values.Length; i++) values[i] *= size;
        }

        public override void Broadcast(Span<float> values, int root) => Broadcasts++;

        public override void AllGather(ReadOnlySpan<long> local, Span<long> all)
        {
            for (int r = 0; r < size; r++)
                if (r == rank || OtherRanks is null) local.CopyTo(all.Slice(r * local.Length, local.Length));
                else OtherRanks(local.ToArray()).CopyTo(all.Slice(r * local.Length, local.Length));
        }

        public override void Abort(Exception cause) => Aborted = cause;
    }

    private static Dataset Regression(int n, long seed)
    {
        var rng = new Rng(seed);
        var x = new float[n * 50];
        var y = new float[n * 2];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextUniform(-1f, 1f);
        for (int i = 0; i < n; i++) { y[2 * i] = x[50 * i] + x[50 * i + 7]; y[2 * i + 1] = x[50 * i + 3] * 0.5f; }
        return Dataset.FromRegression(x, y, 50, 2);
    }

    private static float[] State(IModel model) => [.. model.Parameters.ToArray(), .. model.Optimizer.State.ToArray()];

    [Fact]
    public void Fit_WithATwinRank_IsBitwiseFitAlone_IncludingBatchNormStatistics_AndReducesTheWholeArenaOncePerStep()
    {
        var data = Regression(64, 5);
        var alone = new NormNet();
        alone.Fit(data, new FitOptions { Epochs = 2, BatchSize = 8, Seed = 3, Progress = ProgressMode.None });
        var twin = new NormNet();
        var group = new TwinGroup(0, 2);
        twin.Fit(data, new FitOptions { Epochs = 2, BatchSize = 8, Seed = 3, Progress = ProgressMode.None, ProcessGroup = group });

        // g·½ summed with its twin is g exactly, and the averaged running statistics are this rank's own: nothing may differ.
        Assert.Equal(State(alone), State(twin));
        Assert.Equal(2 * 8, group.FloatReduces.Count);
        Assert.All(group.FloatReduces, n => Assert.Equal(twin.Parameters.Length, n));
        Assert.Equal(2, group.Broadcasts);   // the parameters and the optimizer state, once
        Assert.Null(group.Aborted);
    }

    [Fact]
    public void Fit_OnRank1_PrintsNothing_AndWritesNoCheckpoint_ButReportsTheGroupsFigures()
    {
        var data = DataCheckAndDivergenceTests.Classes(96, 6, 3, seed: 2);
        string checkpoint = Path.Combine(Path.GetTempPath(), $"axon-dp-{Guid.NewGuid():N}.ckpt");
        var output = new StringWriter();
        var history = new LinearNet().Fit(data, new FitOptions
        {
            Epochs = 2, BatchSize = 16, Progress = ProgressMode.Lines, Output = output, ProcessGroup = new TwinGroup(1, 2),
            Callbacks = [new ModelCheckpoint(checkpoint)],
        });
        Assert.Equal("", output.ToString());
        Assert.False(File.Exists(checkpoint));
        Assert.Equal(2, history.Count);

        var rootOutput = new StringWriter();
        var rootHistory = new LinearNet().Fit(data, new FitOptions
        {
            Epochs = 2, BatchSize = 16, Progress = ProgressMode.Lines, Output = rootOutput, ProcessGroup = new TwinGroup(0, 2),
            Callbacks = [new ModelCheckpoint(checkpoint)],
        });
        Assert.Contains("Epoch 2/2", rootOutput.ToString());
        Assert.True(File.Exists(checkpoint));
        File.Delete(checkpoint);
        Assert.Equal(history[^1].TrainLoss, rootHistory[^1].TrainLoss);
    }

    [Fact]
    public void Fit_WhenAnotherRankHasOtherData_ThrowsTheMismatch_NamingEveryRanksValue_WithoutAborting()
    {
        var data = DataCheckAndDivergenceTests.Classes(96, 6, 3, seed: 2);
        // Field 5 of the handshake is the number of training samples.
        var group = new TwinGroup(0, 3) { OtherRanks = mine => { var other = (long[])mine.Clone(); other[5] = 95; return other; } };
        var model = new LinearNet();
        var before = model.Parameters.ToArray();
        var e = Assert.Throws<ProcessGroupMismatchException>(() => model.Fit(data, new FitOptions { BatchSize = 16, ProcessGroup = group }));
        Assert.Contains("training samples: rank 0 has 96, rank 1 has 95, rank 2 has 95", e.Message);
        Assert.Null(group.Aborted);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Fit_WhenACallbackThrowsOnOneRank_AbortsTheGroup_ThenRethrows()
    {
        var data = DataCheckAndDivergenceTests.Classes(96, 6, 3, seed: 2);
        var group = new TwinGroup(0, 2);
        var e = Assert.Throws<IOException>(() => new LinearNet().Fit(data, new FitOptions
        {
            BatchSize = 16, Progress = ProgressMode.None, ProcessGroup = group, Callbacks = [new Throwing()],
        }));
        Assert.Same(e, group.Aborted);
    }

    [Fact]
    public void Fit_WithAdversarialTrainingInAGroup_IsRefused_AndAbortsTheGroup()
    {
        var data = DataCheckAndDivergenceTests.Classes(96, 6, 3, seed: 2);
        var group = new TwinGroup(0, 2);
        var e = Assert.Throws<NotSupportedException>(() => new LinearNet().Fit(data, new FitOptions
        {
            BatchSize = 4, Progress = ProgressMode.None, ProcessGroup = group,
            Adversarial = new Adversarial.AdversarialTrainingOptions { Epsilon = 0.1f },
        }));
        Assert.Contains("data-parallel training (FitOptions.ProcessGroup) needs", e.Message);
        Assert.Same(e, group.Aborted);
    }

    [Fact]
    public void DataParallelEpochs_AllocateNothingAfterTheFirst()
    {
        var data = DataCheckAndDivergenceTests.Classes(256, 6, 3, seed: 2);
        var probe = new AllocationProbe();
        new LinearNet().Fit(data, new FitOptions
        {
            Epochs = 4, BatchSize = 8, Progress = ProgressMode.None, ProcessGroup = new TwinGroup(0, 2) { Record = false }, Callbacks = [probe],
        });
        Assert.Equal(4, probe.Bytes.Count);
        for (int e = 1; e < 4; e++) Assert.True(probe.Bytes[e] == 0, $"epoch {e + 1} allocated {probe.Bytes[e]} B");
    }

    private sealed class AllocationProbe : Callback
    {
        private long _start;
        public List<long> Bytes { get; } = [];
        public override void OnEpochBegin(TrainingContext context) => _start = GC.GetAllocatedBytesForCurrentThread();
        public override void OnEpochEnd(TrainingContext context, EpochResult result) => Bytes.Add(GC.GetAllocatedBytesForCurrentThread() - _start);
    }

    private sealed class Throwing : Callback
    {
        public override void OnEpochEnd(TrainingContext context, EpochResult result) => throw new IOException("disk full");
    }
}
