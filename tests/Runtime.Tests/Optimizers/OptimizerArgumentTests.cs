using System;
using Axon.Optimizers;
using Xunit;

namespace Axon.Runtime.Tests.Optimizers;

/// <summary>
/// Optimizer arguments that would destroy the weights on the first step (NaN, negative, β = 1)
/// are refused when the optimizer is built or the rate is set, naming the range and the value.
/// </summary>
public class OptimizerArgumentTests
{
    public static TheoryData<string, Func<Optimizer>, string> Invalid => new()
    {
        { "Sgd lr NaN", () => new Sgd(float.NaN), "NaN" },
        { "Sgd lr -1", () => new Sgd(-1f), "-1" },
        { "Sgd lr +inf", () => new Sgd(float.PositiveInfinity), "Infinity" },
        { "Sgd momentum 1", () => new Sgd(0.1f, momentum: 1f), "[0, 1)" },
        { "Sgd momentum -0.5", () => new Sgd(0.1f, momentum: -0.5f), "-0.5" },
        { "Sgd momentum NaN", () => new Sgd(0.1f, momentum: float.NaN), "NaN" },
        { "Sgd weight decay -1", () => new Sgd(0.1f, weightDecay: -1f), "-1" },
        { "Sgd weight decay NaN", () => new Sgd(0.1f, weightDecay: float.NaN), "NaN" },
        { "Adam lr NaN", () => new Adam(float.NaN), "NaN" },
        { "Adam beta1 1", () => new Adam(beta1: 1f), "[0, 1)" },
        { "Adam beta1 -0.1", () => new Adam(beta1: -0.1f), "-0.1" },
        { "Adam beta2 1", () => new Adam(beta2: 1f), "[0, 1)" },
        { "Adam beta2 NaN", () => new Adam(beta2: float.NaN), "NaN" },
        { "Adam eps 0", () => new Adam(epsilon: 0f), "> 0" },
        { "Adam eps -1e-8", () => new Adam(epsilon: -1e-8f), "-1E-08" },
        { "Adam eps inf", () => new Adam(epsilon: float.PositiveInfinity), "finite" },
        { "AdamW weight decay -0.01", () => new Adam(weightDecay: -0.01f, decoupledWeightDecay: true), "-0.01" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidConstructorArgumentThrowsArgumentOutOfRangeNamingRangeAndValue(string scenario, Func<Optimizer> create, string inMessage)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(create);
        Assert.Contains(inMessage, e.Message, StringComparison.Ordinal);
        Assert.Contains("must be", e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(scenario));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.001f)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.PositiveInfinity)]
    public void SettingAnInvalidLearningRateThrowsAndKeepsTheOldRate(float rate)
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(0.05f), new Adam(0.05f) })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = rate);
            Assert.Equal(nameof(Optimizer.LearningRate), e.ParamName);
            Assert.Contains("finite number ≥ 0", e.Message, StringComparison.Ordinal);
            Assert.Equal(0.05f, optimizer.LearningRate);
        }
    }

    [Fact]
    public void NesterovWithoutMomentumThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0f, nesterov: true));
        Assert.Equal("nesterov", e.ParamName);
    }

    [Fact]
    public void ValidArgumentsAtTheEdgesOfTheRangesConstruct()
    {
        // What generated code can pass (the attributes' compile-time ranges), plus a zero rate for schedules.
        var sgd = new Sgd(0f, momentum: 0.999f, nesterov: true, weightDecay: 0f);
        Assert.Equal(0.999f, sgd.Momentum);
        var adam = new Adam(1e-3f, beta1: 0f, beta2: 0.9999f, epsilon: float.Epsilon, weightDecay: 0.01f, decoupledWeightDecay: true);
        Assert.Equal(0f, adam.Beta1);
        adam.LearningRate = 0f;
        Assert.Equal(0f, adam.LearningRate);
        adam.LearningRate = 1e30f;
        Assert.Equal(1e30f, adam.LearningRate);
    }
}
