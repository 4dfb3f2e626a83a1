using System;
using Axon.Training;
using Xunit;

namespace Axon.Runtime.Tests.Training;

/// <summary>Each schedule against its closed form (PyTorch's documented definitions), at every step of a short run.</summary>
public class ScheduleTests
{
    [Fact]
    public void StepDecay_IsStepLR_PerEpoch()
    {
        var s = new StepDecay(0.1f, stepSize: 3, gamma: 0.5f);
        for (long t = 0; t < 40; t++)
        {
            long epoch = t / 4;
            Assert.Equal((float)(0.1f * Math.Pow(0.5f, epoch / 3)), s.At(t, 4, 40));
        }
        Assert.Equal(0.1f, s.At(11, 4, 40));
        Assert.Equal(0.05f, s.At(12, 4, 40));
    }

    [Fact]
    public void ExponentialDecay_IsExponentialLR_PerEpoch()
    {
        var s = new ExponentialDecay(0.2f, 0.9f);
        for (long t = 0; t < 30; t++) Assert.Equal((float)(0.2f * Math.Pow(0.9f, t / 5)), s.At(t, 5, 30));
    }

    [Fact]
    public void CosineDecay_WarmsUpLinearly_ThenFollowsCosineAnnealing()
    {
        var s = new CosineDecay(1e-2f, warmupSteps: 10, minimum: 1e-4f);
        const long total = 110;
        for (long t = 0; t < 10; t++) Assert.Equal((float)(1e-2 * t / 10), s.At(t, 11, total), 7);
        for (long t = 10; t < total; t++)
        {
            double expected = 1e-4 + (1e-2 - 1e-4) * (1 + Math.Cos(Math.PI * (t - 10) / 100.0)) / 2;
            Assert.Equal(expected, s.At(t, 11, total), 7);
        }
        Assert.Equal(1e-2f, s.At(10, 11, total));
        Assert.Equal(1e-4f, s.At(110, 11, total), 7);   // past the end it stays at the minimum
    }

    [Fact]
    public void OneCycle_MatchesPyTorchsTwoPhaseCosine()
    {
        var s = new OneCycle(0.1f);   // pct_start 0.3, div_factor 25, final_div_factor 1e4
        const long total = 100;
        double initial = 0.1 / 25, final = initial / 1e4, end1 = 0.3 * total - 1;
        static double Cos(double a, double b, double pct) => b + (a - b) / 2 * (Math.Cos(Math.PI * pct) + 1);
        for (long t = 0; t < total; t++)
        {
            double expected = t <= end1 ? Cos(initial, 0.1, t / end1) : Cos(0.1, final, (t - end1) / (total - 1 - end1));
            Assert.Equal(expected, s.At(t, 10, total), 7);
        }
        Assert.Equal(0.004f, s.At(0, 10, total), 7);
        Assert.Equal(0.1f, s.At(29, 10, total), 7);
        Assert.Equal(4e-7f, s.At(99, 10, total), 9);
    }

    [Fact]
    public void Schedules_RejectBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0f, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycle(0.1f, pctStart: 1));
    }
}
