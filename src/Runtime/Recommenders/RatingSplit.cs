namespace Axon.Recommenders;

/// <summary>One train/test split of a rating set; both parts share its <see cref="RatingCatalog"/>.</summary>
/// <param name="Train">The ratings to fit on.</param>
/// <param name="Test">The held-out ratings.</param>
public sealed record RatingSplit(Ratings Train, Ratings Test);
