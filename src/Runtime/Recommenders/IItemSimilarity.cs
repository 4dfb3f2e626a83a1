using System;

namespace Axon.Recommenders;

/// <summary>An algorithm that can say how similar every item is to a given one (for <see cref="Recommender.SimilarItems(int, Span{int})"/>).</summary>
public interface IItemSimilarity
{
    /// <summary>Writes <c>sim(item, j)</c> for every item <c>j</c> to <paramref name="similarities"/> (length ≥ ItemCount). Allocates nothing.</summary>
    void ItemSimilarities(int item, Span<float> similarities);
}
