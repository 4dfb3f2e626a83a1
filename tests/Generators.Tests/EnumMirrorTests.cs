using System;
using System.Linq;
using Axon.Generators.Model;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>The generator reads Dsl enums as integers through its own mirrors: they must agree name for name.</summary>
public class EnumMirrorTests
{
    private static void Same<TDsl, TMirror>() where TDsl : struct, Enum where TMirror : struct, Enum
    {
        var dsl = Enum.GetValues<TDsl>().Select(v => (v.ToString(), Convert.ToInt32(v))).ToArray();
        var mirror = Enum.GetValues<TMirror>().Select(v => (v.ToString(), Convert.ToInt32(v))).ToArray();
        Assert.Equal(dsl, mirror);
    }

    [Fact] public void Activation_Matches() => Same<Axon.Activation, ActivationKind>();
    [Fact] public void Loss_Matches() => Same<Axon.Loss, LossKind>();
    [Fact] public void Init_Matches() => Same<Axon.Init, InitKind>();
    [Fact] public void AdversarialMethod_Matches() => Same<Axon.Adversarial.AdversarialMethod, AdversarialMethodKind>();

    [Theory]
    [InlineData("Hidden", "hidden")]
    [InlineData("HiddenLayer2", "hidden_layer2")]
    [InlineData("FCLayer", "fc_layer")]
    [InlineData("logits", "logits")]
    public void TensorPrefix_IsSnakeCase(string member, string key) => Assert.Equal(key, Analysis.ModelPlanner.TensorPrefix(member));
}
