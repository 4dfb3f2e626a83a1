namespace Axon;

/// <summary>One input member's columns in the model's input row, with its declared range and kind.</summary>
/// <param name="Name">The member's name (the model's class name for a class-level <c>[Input]</c>).</param>
/// <param name="Offset">First column in the input row.</param>
/// <param name="Length">Number of columns.</param>
/// <param name="Min">Smallest valid value (<c>[Input(…, Min = …)]</c>; −∞ when unbounded).</param>
/// <param name="Max">Largest valid value (+∞ when unbounded).</param>
/// <param name="Kind">Whether and how attacks may change the values.</param>
public sealed record InputSegment(string Name, int Offset, int Length, float Min, float Max, InputFeatureKind Kind)
{
    /// <summary>Whether attacks and noise may change these values (<see cref="InputFeatureKind.Continuous"/> or <see cref="InputFeatureKind.Integer"/>).</summary>
    public bool IsPerturbable => Kind is InputFeatureKind.Continuous or InputFeatureKind.Integer;
}
