using System.Collections.Generic;
using System.Linq;
using Axon.Generators.Diagnostics;
using Axon.Generators.Model;
using Axon.Generators.Parsing;

namespace Axon.Generators.Analysis;

/// <summary>
/// Checks a size fix before it is offered: the model is inferred again with the change made, and the
/// change counts only if it brings no error that the model did not already have. Callers then check
/// that their own diagnostic is gone. So a fix never trades one error for another (a Dense widened to
/// match one operand that a second merge reads at the old size, an output layer resized away from its loss).
/// </summary>
internal static class FixCheck
{
    /// <summary>The analysis of <paramref name="changed"/>, or null when it has an error that <paramref name="model"/> has not.</summary>
    public static AnalyzedModel? Analyze(ModelSpec model, ModelSpec changed)
    {
        var after = ShapeInference.Run(new ParseResult(changed, EquatableArray<DiagnosticInfo>.Empty), suggestFixes: false);
        var before = Errors(ShapeInference.Run(new ParseResult(model, EquatableArray<DiagnosticInfo>.Empty), suggestFixes: false));
        return Errors(after).IsSubsetOf(before) ? after : null;
    }

    /// <summary>Whether <paramref name="analysis"/> still reports <paramref name="diagnostic"/> (same id, same place).</summary>
    public static bool Reports(AnalyzedModel analysis, DiagnosticInfo diagnostic) =>
        analysis.Diagnostics.Any(d => d.Id == diagnostic.Id && Equals(d.Location, diagnostic.Location));

    /// <summary><paramref name="model"/> with layer <paramref name="index"/> replaced.</summary>
    public static ModelSpec WithLayer(ModelSpec model, int index, LayerSpec layer) =>
        model with { Layers = model.Layers.Select((l, i) => i == index ? layer : l).ToEquatableArray() };

    private static HashSet<(string Id, LocationInfo? Location)> Errors(AnalyzedModel analysis) =>
        new(analysis.Diagnostics
            .Where(d => DiagnosticDescriptors.IsError(d.Id))
            .Select(d => (d.Id, d.Location)));
}
