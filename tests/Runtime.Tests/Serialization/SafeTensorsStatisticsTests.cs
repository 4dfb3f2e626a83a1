using System;
using System.IO;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// Statistics a BatchNorm layer divides by: a negative running variance makes √(var + ε) NaN and
/// every prediction NaN, so such a file is refused with the tensor's name, and the arena is kept.
/// </summary>
public class SafeTensorsStatisticsTests
{
    private static TensorSpec[] BatchNormKeyMap() =>
    [
        new("bn.weight", [3], 0),
        new("bn.bias", [3], 3),
        new("bn.running_mean", [3], 6),
        new("bn.running_var", [3], 9),
    ];

    private static byte[] File(float[] values) => SaveToBytes(values, BatchNormKeyMap(), "TinyNorm");

    [Fact]
    public void RunningVarianceIsNonNegativeByNameAndOtherTensorsAreNot()
    {
        var map = BatchNormKeyMap();
        Assert.True(map[3].NonNegative);
        Assert.False(map[0].NonNegative);
        Assert.False(map[2].NonNegative);
        Assert.False(new TensorSpec("bn.running_var", [3], 0) { NonNegative = false }.NonNegative);
    }

    [Fact]
    public void NegativeRunningVarianceIsRejectedWithTheTensorNameAndTheArenaUnchanged()
    {
        float[] values = [1, 1, 1, 0, 0, 0, -0.5f, 0.2f, 0.1f, 1f, -1e-3f, 2f];
        var e = AssertLoadFails(File(values), BatchNormKeyMap(), 12);
        Assert.Contains("bn.running_var has 1 negative value (the first, at flat index 1, is -0.001), but a variance cannot be negative", e.Message);
        Assert.DoesNotContain("running_mean", e.Message); // a negative mean is fine
    }

    [Fact]
    public void NonFiniteStatisticsAreRejectedWithTheTensorName()
    {
        float[] values = [1, 1, 1, 0, 0, 0, float.NaN, 0, 0, 1, float.PositiveInfinity, 1];
        var e = AssertLoadFails(File(values), BatchNormKeyMap(), 12);
        Assert.Contains("bn.running_mean has 1 non-finite value", e.Message);
        Assert.Contains("bn.running_var has 1 non-finite value", e.Message);
    }

    [Fact]
    public void ZeroVarianceAndNegativeMeanLoad()
    {
        float[] values = [1, 1, 1, 0, 0, 0, -3, -2, -1, 0, 0, 0.5f];
        var arena = new float[12];
        SafeTensors.Load(new MemoryStream(File(values)), arena, BatchNormKeyMap(), "TinyNorm");
        AssertBitwiseEqual(values, arena);
    }
}
