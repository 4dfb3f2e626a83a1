namespace Axon.Generators.Diagnostics;

/// <summary>
/// Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> through which the generator hands what it
/// has inferred (a size, a shape, a layer to use) to the IDE fixes, so that no fix parses a message. Present only
/// when the generator has checked, by inferring the model again with the change made, that the change removes the
/// diagnostic and brings no new error (<see cref="Received"/> goes along with such a change, for the title).
/// Compiled into Axon.CodeFixes from this file, like the catalogue.
/// </summary>
internal static class FixProperties
{
    /// <summary>AXN0107 on a Reshape: the shape that has its input's element count, comma-separated, e.g. <c>16,7,7</c>.</summary>
    public const string Shape = "Axon.Shape";

    /// <summary>
    /// The layer member the fix changes, e.g. <c>B</c>: whose size argument it sets (AXN0208, AXN0403); for AXN0140, the
    /// member whose attribute <see cref="Twin"/> replaces and before which <see cref="Insert"/> inserts a layer (the
    /// layer that reported it, or the output layer when the loss did).
    /// </summary>
    public const string Member = "Axon.Member";

    /// <summary>The constructor parameter of that layer's attribute: <c>units</c> (Dense), <c>filters</c> (Conv2D) or <c>dimension</c> (Embedding).</summary>
    public const string Parameter = "Axon.Parameter";

    /// <summary>The value the fix writes, as an invariant integer, e.g. <c>128</c>.</summary>
    public const string Value = "Axon.Value";

    /// <summary>Where the value comes from, for the fix's title: <c>the size of 'A'</c>, <c>as 'Hidden' of 'Pretrained'</c>.</summary>
    public const string Reason = "Axon.Reason";

    /// <summary>AXN0109: the declared member that a misspelled reference most likely meant, e.g. <c>Hidden</c>.</summary>
    public const string Suggestion = "Axon.Suggestion";

    /// <summary>AXN0140: the shape the diagnostic names as received, for the fixes' titles, e.g. <c>[30, 4]</c>.</summary>
    public const string Received = "Axon.Received";

    /// <summary>
    /// AXN0140: the layer kind of the other family of shapes that does what <see cref="Member"/>'s kind does and takes
    /// the same attribute arguments, e.g. <c>Conv1D</c> for a Conv2D fed a sequence; the fix renames the attribute.
    /// </summary>
    public const string Twin = "Axon.Twin";

    /// <summary>
    /// AXN0140: the layer kinds that, inserted as a new member right before <see cref="Member"/>, remove the diagnostic,
    /// comma-separated in the order offered: <c>Flatten</c>, <c>GlobalAveragePool1D</c> or <c>Flatten,GlobalAveragePool1D</c>.
    /// </summary>
    public const string Insert = "Axon.Insert";

    /// <summary>
    /// AXN0140: the Lstm or Gru member with <c>ReturnSequences = true</c> whose sequence reaches the layer (straight, or
    /// through layers that work step by step) and which, returning its last step instead, removes the diagnostic.
    /// </summary>
    public const string LastStep = "Axon.LastStep";
}
