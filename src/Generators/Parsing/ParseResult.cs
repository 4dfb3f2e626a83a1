using Axon.Generators.Model;

namespace Axon.Generators.Parsing;

/// <summary>
/// What parsing one model class yields: the spec (null when nothing can be generated, as for a
/// class that is not partial) and the diagnostics found so far.
/// </summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>For a type that cannot be a model (AXN0008): the declarations that keep its layer properties compiling.</summary>
    public StubSpec? Stub { get; init; }
}
