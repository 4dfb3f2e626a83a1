using Axon.Generators.Model;

namespace Axon.Generators.Parsing;

/// <summary>
/// What parsing one model class yields: the spec (null when nothing can be generated, as for a
/// class that is not partial) and the diagnostics found so far.
/// </summary>
internal sealed record ParseResult(ModelSpec? Model, EquatableArray<DiagnosticInfo> Diagnostics);
