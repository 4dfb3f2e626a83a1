using System.Collections.Generic;
using Axon.Generators.Analysis;
using Axon.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Axon.Generators.Layers;

/// <summary>What <see cref="LayerKind.Infer"/> works with: the layer, its operands' shapes, and where to report.</summary>
internal sealed class LayerInferenceContext(
    ModelSpec model, int index, IReadOnlyList<int> sources, IReadOnlyList<TensorShape> operands,
    IReadOnlyList<LayerShapes> shapes, List<DiagnosticInfo> diagnostics, List<(int Diagnostic, ModelSpec Changed, string[] Properties)> fixes, bool suggestFixes)
{
    public ModelSpec Model => model;

    public int Index => index;

    public LayerSpec Layer => model.Layers[index];

    /// <summary>The layers read, by index (-1: the model input), in operand order.</summary>
    public IReadOnlyList<int> Sources => sources;

    /// <summary>The operands' shapes, in order.</summary>
    public IReadOnlyList<TensorShape> Operands => operands;

    /// <summary>The first operand's shape: a single-input layer's input.</summary>
    public TensorShape Input => operands[0];

    /// <summary>The shapes inferred so far (every layer before this one).</summary>
    public IReadOnlyList<LayerShapes> Shapes => shapes;

    public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

    /// <summary>Offers a fix for the diagnostic just reported: <paramref name="changed"/>, checked by <see cref="FixCheck"/> once inference is done.</summary>
    public void SuggestFix(ModelSpec changed, params string[] properties)
    {
        if (suggestFixes) fixes.Add((diagnostics.Count - 1, changed, properties));
    }

    /// <summary>Whether fixes are wanted (false while a fix itself is being checked).</summary>
    public bool SuggestsFixes => suggestFixes;
}

/// <summary>A kind's answer: whether the layer fits its operands, its output shape, and settings the shapes resolved (window padding).</summary>
internal readonly record struct LayerInference(bool Ok, TensorShape Output, LayerSettings? Resolved = null)
{
    public static LayerInference Fail { get; } = new(false, default);
}
