namespace Axon.Generators.Model;

/// <summary>
/// What is emitted for a type that carries <c>[Model]</c> but cannot be a model (generic, a record, a struct: AXN0008; not
/// partial: AXN0001, or nested in a type that is not: AXN0009, where the compiler then reports one CS0260 on the name instead of two errors per layer):
/// its own partial declaration again, implementing each layer property with a body that throws, so the user's
/// <c>partial Layer X { get; }</c> declarations compile and the only error left is Axon's. Immutable and
/// structurally equal: keep it so.
/// </summary>
/// <param name="Header">The partial declaration as written, e.g. <c>partial record struct Net&lt;T&gt;</c>.</param>
/// <param name="Reason">Why the type is not a model, for the thrown message, e.g. <c>a model cannot be generic (AXN0008)</c>.</param>
/// <param name="Containers">The partial declarations of the types the model is nested in, outermost first (none for a top-level type).
/// A container the user did not declare partial (AXN0009) then gets one CS0260 instead of two errors per layer.</param>
internal sealed record StubSpec(string Namespace, string Name, string Header, string Reason, EquatableArray<StubMember> Members, EquatableArray<string> Containers);

/// <summary>One get-only partial layer property: its modifiers other than <c>partial</c>, its type (fully qualified) and its name.</summary>
internal sealed record StubMember(string Modifiers, string TypeName, string Name);
