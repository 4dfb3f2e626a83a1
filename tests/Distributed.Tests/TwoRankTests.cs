using System;
using System.IO;
using System.Linq;
using Axon.Distributed.Worker;
using Axon.Training;
using Xunit;

namespace Axon.Distributed.Tests;

/// <summary>
/// The 2-process integration tests: every test starts <c>mpirun -np 2</c> on the worker (tests/Distributed.Worker). They fail, not
/// skip, when mpirun is missing. Timeouts bound every run, so a hang fails the test instead of stalling CI.
/// </summary>
[Collection("mpirun")]
public sealed class TwoRankTests : IDisposable
{
    private const int Samples = 1024, LocalBatch = 32, Epochs = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "axon-mpi-" + Guid.NewGuid().ToString("N"));

    public TwoRankTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string[] Train(params string[] more) =>
        [$"samples={Samples}", $"batch={LocalBatch}", $"epochs={Epochs}", .. more];

    [Fact]
    public void TwoRanks_EndWithIdenticalWeights_BitwiseTheMicroBatchSum_AndWithinToleranceOfOneProcess()
    {
        var run = Mpirun.Run(Bound, Train($"out={_folder}"));
        Assert.True(run.ExitCode == 0, run.ToString());
        var rank0 = Reference.Read(Path.Combine(_folder, "rank0.f32"));
        var rank1 = Reference.Read(Path.Combine(_folder, "rank1.f32"));
        Assert.Equal(rank0, rank1);   // bitwise: float equality, element by element (NaN would fail)

        // Bitwise the same arithmetic in one process: each half-batch's gradient scaled by ½, one addition, one Adam step.
        var data = Reference.Data(Samples);
        var same = new WorkerMlp();
        Reference.MicroBatches(same, data, LocalBatch, Epochs);
        var expected = Reference.State(same);
        Assert.Equal(expected.Length, rank0.Length);
        int differing = 0;
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(rank0[i])) differing++;
        Assert.True(differing == 0, $"{differing} of {expected.Length} values differ from the one-process micro-batch sum");

        // One process, Fit with the global batch 2·32 in the same sample order: the sums over the batch are split in two partial sums,
        // so the gradients differ in the last bits (relative ~1e-7), and Adam's steps carry that into the weights: measured max
        // |Δw| = 9.4e-8 after these 48 steps, against weights of ~0.05 and steps of up to 1e-3; bounded at 1e-5 (1% of one Adam step).
        var alone = new WorkerMlp();
        alone.Fit(data, new FitOptions { Epochs = Epochs, BatchSize = 2 * LocalBatch, Shuffle = false, Seed = 7, Progress = ProgressMode.None });
        var p = alone.Parameters;
        double largest = 0;
        for (int i = 0; i < p.Length; i++) largest = Math.Max(largest, Math.Abs(p[i] - rank0[i]));
        Assert.True(largest <= 1e-5, $"max |w(2 ranks) − w(1 process)| = {largest:G3}");
    }

    [Fact]
    public void TwoRanks_ShuffledWithBatchNorm_EndWithIdenticalWeightsAndStatistics()
    {
        var run = Mpirun.Run(Bound, Train("model=bn", "shuffle=1", $"out={_folder}"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Reference.Read(Path.Combine(_folder, "rank0.f32")), Reference.Read(Path.Combine(_folder, "rank1.f32")));
        // Progress is rank 0's alone: one line per epoch, not one per rank.
        Assert.Equal(Epochs, run.Output.Split('\n').Count(l => l.StartsWith("Epoch ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("model", "parameter count: rank 0 has 25,450, rank 1 has 12,730")]
    [InlineData("data", "training samples: rank 0 has 512, rank 1 has 511")]
    public void TwoRanks_ThatDisagree_FailBothWithTheSameMessage_BeforeTraining(string mismatch, string expected)
    {
        var run = Mpirun.Run(Bound, Train($"mismatch={mismatch}"));
        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("rank 0: ", run.Output);
        Assert.Contains("rank 1: ", run.Output);
        Assert.Equal(2, Occurrences(run.Output, expected));
        Assert.DoesNotContain("Epoch 1/", run.Output);
    }

    [Fact]
    public void ARankThatThrows_AbortsEveryRank_WithItsMessage()
    {
        var run = Mpirun.Run(Bound, Train("fault=throw"));
        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("rank 1 of 2 on", run.Output);
        Assert.Contains("InvalidOperationException: an injected failure on rank 1 after epoch 1", run.Output);
        // mpirun's own notice ("MPI_ABORT was invoked on rank 1") is not asserted: Open MPI 4.1.4 sometimes loses it
        // ("ORTE_ERROR_LOG: Data unpack would read past end of buffer in file ../orte/util/show_help.c"), though the job still ends.
        Assert.DoesNotContain("Epoch 2/", run.Output);
        Assert.DoesNotContain("trained 3 epochs", run.Output);   // rank 0 was ended, it did not finish
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), run.ToString());
    }

    [Fact]
    public void ARankThatHangs_IsEndedByTheOthersWatchdog_WithinTheTimeout()
    {
        var run = Mpirun.Run(Bound, Train("fault=hang", "timeout=3"));
        Assert.Equal(MpiProcessGroup.TimeoutExitCode, run.ExitCode);
        Assert.Contains("rank 0 of 2 on", run.Output);
        Assert.Contains("waited 3 s in an all-reduce of 25456 floats", run.Output);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(45), run.ToString());
    }

    [Fact]
    public void ARankKilledMidRun_EndsTheJob_AndTheRunResumesFromRank0sCheckpoint_BitwiseAsIfNeverStopped()
    {
        string checkpoint = Path.Combine(_folder, "run.ckpt");
        var killed = Mpirun.Run(Bound, Train($"checkpoint={checkpoint}", "fault=kill", "fault-epoch=2"));
        Assert.NotEqual(0, killed.ExitCode);
        Assert.Contains("rank 1: killing itself", killed.Output);
        Assert.DoesNotContain("Epoch 3/", killed.Output);
        Assert.True(File.Exists(checkpoint), killed.ToString());   // written by rank 0 after epoch 2, before rank 1 died

        var resumed = Mpirun.Run(Bound, Train($"resume={checkpoint}", $"out={_folder}"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("Epoch 3/3", resumed.Output);
        Assert.DoesNotContain("Epoch 2/3", resumed.Output);
        var rank0 = Reference.Read(Path.Combine(_folder, "rank0.f32"));
        Assert.Equal(rank0, Reference.Read(Path.Combine(_folder, "rank1.f32")));
        var uninterrupted = new WorkerMlp();
        Reference.MicroBatches(uninterrupted, Reference.Data(Samples), LocalBatch, Epochs);
        Assert.Equal(Reference.State(uninterrupted), rank0);
    }

    private static int Occurrences(string text, string part)
    {
        int count = 0;
        for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
