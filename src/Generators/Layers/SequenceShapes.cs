using Axon.Generators.Diagnostics;
using Axon.Generators.Model;

namespace Axon.Generators.Layers;

/// <summary>
/// AXN0140, in one place: a layer that needs features or an image fed a sequence, or a sequence layer fed
/// something else, reported with both shapes and the plain fix.
/// </summary>
internal static class SequenceShapes
{
    /// <summary>The fix for a sequence where one vector per sample is needed.</summary>
    public const string ToFeatures =
        "add Flatten (all steps, [T·F]) or GlobalAveragePool1D (the mean over steps, [F]) before it, or take the last step of a recurrent layer with ReturnSequences = false";

    /// <summary>The fix for features or an image where a sequence is needed.</summary>
    public const string ToSequence = "declare the input as [Input(T, F)] (time steps, features per step), or add Reshape(T, F) before it";

    /// <summary>Reports that layer <paramref name="c"/> got a sequence where it needs <paramref name="expected"/>; on the attribute, or <paramref name="location"/>.</summary>
    public static LayerInference Reject(LayerInferenceContext c, string expected, string fix, LocationInfo? location = null)
    {
        var layer = c.Layer;
        c.Report(DiagnosticDescriptors.SequenceShapeMismatch, location ?? layer.AttributeLocation ?? layer.NameLocation,
            $"{layer.Kind.Name} layer '{layer.Name}'", expected, "its input", c.Input.ToString(), fix);
        return LayerInference.Fail;
    }
}
