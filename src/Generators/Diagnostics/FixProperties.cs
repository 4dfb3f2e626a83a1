namespace Axon.Generators.Diagnostics;

/// <summary>
/// Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> through which the generator hands a
/// size it has inferred to the IDE fixes, so that no fix parses a message. Present only when the generator
/// has checked, by inferring the model again with the change made, that the change removes the diagnostic
/// and brings no new error. Compiled into Axon.CodeFixes from this file, like the catalogue.
/// </summary>
internal static class FixProperties
{
    /// <summary>AXN0107 on a Reshape: the shape that has its input's element count, comma-separated, e.g. <c>16,7,7</c>.</summary>
    public const string Shape = "Axon.Shape";

    /// <summary>The layer member whose size argument the fix sets, e.g. <c>B</c>.</summary>
    public const string Member = "Axon.Member";

    /// <summary>The constructor parameter of that layer's attribute: <c>units</c> (Dense), <c>filters</c> (Conv2D) or <c>dimension</c> (Embedding).</summary>
    public const string Parameter = "Axon.Parameter";

    /// <summary>The value the fix writes, as an invariant integer, e.g. <c>128</c>.</summary>
    public const string Value = "Axon.Value";

    /// <summary>Where the value comes from, for the fix's title: <c>the size of 'A'</c>, <c>as 'Hidden' of 'Pretrained'</c>.</summary>
    public const string Reason = "Axon.Reason";

    /// <summary>AXN0109: the declared member that a misspelled reference most likely meant, e.g. <c>Hidden</c>.</summary>
    public const string Suggestion = "Axon.Suggestion";
}
