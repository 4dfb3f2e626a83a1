using System;

namespace Axon;

/// <summary>Names for wiring layers into a graph.</summary>
public static class Graph
{
    /// <summary>The model input, for <c>From</c> and the merge layers: <c>[Dense(64, From = Graph.Input)]</c>.</summary>
    public const string Input = "<input>";
}

/// <summary>
/// Element-wise sum of two or more members' outputs, <c>y = a + b + …</c>: the residual connection.
/// All operands must have the same shape. No parameters.
/// </summary>
/// <example><c>[Add(nameof(Block), nameof(Stem))] public partial Layer Residual { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class AddAttribute : Attribute
{
    /// <summary>Declares a sum.</summary>
    /// <param name="inputs">Two or more member names (<c>nameof</c>), or <see cref="Graph.Input"/>.</param>
    public AddAttribute(params string[] inputs) => Inputs = inputs;

    /// <summary>The operands.</summary>
    public string[] Inputs { get; }
}

/// <summary>Element-wise product of two or more members' outputs of the same shape (gating). No parameters.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class MultiplyAttribute : Attribute
{
    /// <summary>Declares a product.</summary>
    /// <param name="inputs">Two or more member names (<c>nameof</c>), or <see cref="Graph.Input"/>.</param>
    public MultiplyAttribute(params string[] inputs) => Inputs = inputs;

    /// <summary>The operands.</summary>
    public string[] Inputs { get; }
}

/// <summary>
/// Concatenation of members' outputs: features end to end (<c>[a] ++ [b]</c> → <c>[a + b]</c>), or
/// <c>[C, H, W]</c> tensors along channels (same <c>H</c> and <c>W</c>, as <c>torch.cat(dim=1)</c>). No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class ConcatAttribute : Attribute
{
    /// <summary>Declares a concatenation.</summary>
    /// <param name="inputs">Two or more member names (<c>nameof</c>), or <see cref="Graph.Input"/>.</param>
    public ConcatAttribute(params string[] inputs) => Inputs = inputs;

    /// <summary>The operands, in order.</summary>
    public string[] Inputs { get; }
}

/// <summary>
/// Dot product of two members' <c>[features]</c> outputs of equal size, <c>y = Σ_i a_i·b_i</c>, shape
/// <c>[1]</c>: the score of matrix factorisation and two-tower recommenders. No parameters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DotAttribute : Attribute
{
    /// <summary>Declares a dot product.</summary>
    /// <param name="left">The first operand (<c>nameof</c>).</param>
    /// <param name="right">The second operand (<c>nameof</c>).</param>
    public DotAttribute(string left, string right) => Inputs = [left, right];

    /// <summary>The two operands.</summary>
    public string[] Inputs { get; }
}
