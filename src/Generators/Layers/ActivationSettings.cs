using Axon.Generators.Emit;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Layers;

/// <summary>
/// The activation part of a layer that has one (Dense, Conv2D): the function, its parameter, and how the
/// weights start. Shared by those kinds' settings.
/// </summary>
internal sealed record ActivationSettings(ActivationKind Kind, float NegativeSlope, InitKind Init, bool Bias)
{
    /// <summary>
    /// Whether backward needs the pre-activation z besides the output: the runtime's
    /// <c>IActivation.NeedsPreActivation</c> (GELU's derivative is not a function of its output). A test ties the two.
    /// </summary>
    public static bool NeedsPreActivation(ActivationKind kind) => kind == ActivationKind.Gelu;

    /// <summary>Reads <c>activation</c> (positional <paramref name="index"/>), <c>Init</c>, <c>Bias</c> and <c>NegativeSlope</c>.</summary>
    public static ActivationSettings Read(LayerParseContext c, int index)
    {
        var reader = c.Reader;
        var activation = (ActivationKind)reader.Positional(index, 0);
        var activationLocation = c.Locate("activation", reader.PositionalLocation(index, "activation"));
        if (!System.Enum.IsDefined(typeof(ActivationKind), activation))
            c.Report(Diagnostics.DiagnosticDescriptors.InvalidEnumValue, activationLocation, "Activation", (int)activation);
        var init = (InitKind)reader.Named("Init", 0);
        if (!System.Enum.IsDefined(typeof(InitKind), init))
            c.Report(Diagnostics.DiagnosticDescriptors.InvalidEnumValue, reader.NamedLocation("Init"), "Init", (int)init);
        bool bias = reader.Named("Bias", true);
        float slope = reader.Named("NegativeSlope", 0.01f);
        var slopeLocation = reader.HasNamed("NegativeSlope") ? reader.NamedLocation("NegativeSlope") : activationLocation;
        if (activation == ActivationKind.LeakyRelu && !(slope > 0 && !float.IsInfinity(slope)))
            c.Report(Diagnostics.DiagnosticDescriptors.InvalidNegativeSlope, slopeLocation, LayerParseContext.Literal(slope));
        return new ActivationSettings(activation, slope, init, bias);
    }

    /// <summary>The runtime activation operator struct, as an expression.</summary>
    public string Expression => Kind switch
    {
        ActivationKind.Relu => "default(global::Axon.Kernels.ReluActivation)",
        ActivationKind.LeakyRelu => $"new global::Axon.Kernels.LeakyReluActivation({Literals.Float(NegativeSlope)})",
        ActivationKind.Sigmoid => "default(global::Axon.Kernels.SigmoidActivation)",
        ActivationKind.Tanh => "default(global::Axon.Kernels.TanhActivation)",
        ActivationKind.Gelu => "default(global::Axon.Kernels.GeluActivation)",
        ActivationKind.Softmax => "default(global::Axon.Kernels.SoftmaxActivation)",
        _ => "default(global::Axon.Kernels.IdentityActivation)",
    };

    /// <summary>The identity activation's expression, for kinds and paths that apply none.</summary>
    public const string Identity = "default(global::Axon.Kernels.IdentityActivation)";
}
