using System;

namespace Axon;

/// <summary>
/// A lookup table: each of the <c>k</c> ids of an id input (<c>[Input(k, Ids = true)]</c>) selects a
/// row of <c>W</c> (<c>[vocabulary, dimension]</c>); the output is the <c>k</c> rows end to end,
/// <c>[k·dimension]</c>. The backward pass adds each row's gradient into the rows its ids selected
/// (repeated ids accumulate). Stored as PyTorch's <c>nn.Embedding</c> (<c>name.weight</c>),
/// initialised from N(0, 1) as PyTorch does.
/// </summary>
/// <example><c>[Embedding(10_000, 32, From = nameof(UserId))] public partial Layer UserVec { get; }</c></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding.</summary>
    /// <param name="vocabulary">Number of distinct ids; ids must lie in <c>[0, vocabulary)</c>.</param>
    /// <param name="dimension">Length of each id's vector.</param>
    public EmbeddingAttribute(int vocabulary, int dimension)
    {
        Vocabulary = vocabulary;
        Dimension = dimension;
    }

    /// <summary>Number of distinct ids.</summary>
    public int Vocabulary { get; }

    /// <summary>Length of each id's vector.</summary>
    public int Dimension { get; }

    /// <summary>
    /// The member whose output this layer reads, written <c>nameof(Member)</c>, or <see cref="Graph.Input"/>
    /// for the model input. Default: null, the member declared just before.
    /// </summary>
    public string? From { get; set; }
}
