using System;
using System.Collections.Generic;
using Axon.Training;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>The guarded training step and the toolkit's per-epoch work allocate nothing once the first epoch has warmed up.</summary>
public class TrainingAllocationTests
{
    /// <summary>Bytes allocated on the training thread between an epoch's begin and end callbacks.</summary>
    private sealed class EpochAllocations : Callback
    {
        private long _start;
        public List<long> Bytes { get; } = [];
        public override void OnEpochBegin(TrainingContext context) => _start = GC.GetAllocatedBytesForCurrentThread();
        public override void OnEpochEnd(TrainingContext context, EpochResult result) => Bytes.Add(GC.GetAllocatedBytesForCurrentThread() - _start);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GuardedEpochs_WithEveryLossOption_AllocateNothingAfterWarmUp(bool balanced)
    {
        var data = DataCheckAndDivergenceTests.Classes(96, 6, 3, 31);
        var probe = new EpochAllocations();
        new ToolkitNet().Fit(data, new FitOptions
        {
            Epochs = 4,
            BatchSize = 16,
            ValidationSplit = 0.25,
            ClassWeights = [1f, 2f, 0.5f],
            FocalLoss = new FocalLoss(2f),
            L1 = 1e-4f,
            GradientClipNorm = 1f,
            GaussianNoise = 0.01f,
            BalancedSampling = balanced,
            LearningRateSchedule = new OneCycle(0.01f),
            Callbacks = [probe],
            Progress = ProgressMode.None,
        });
        Assert.Equal(4, probe.Bytes.Count);
        for (int e = 1; e < 4; e++) Assert.True(probe.Bytes[e] == 0, $"epoch {e + 1} allocated {probe.Bytes[e]} B");
    }
}
