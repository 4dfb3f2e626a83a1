namespace Axon;

/// <summary>How an attack or a noise augmentation may change the values of one input member.</summary>
public enum InputFeatureKind
{
    /// <summary>Real values: perturbed freely inside the member's range. The default.</summary>
    Continuous = 0,

    /// <summary>
    /// Integer counts (<c>[Input(…, Integer = true)]</c>): perturbed, but every perturbed value is an integer
    /// (rounded to the nearest integer inside the ε-ball and the range for L∞; towards the clean value for L2).
    /// </summary>
    Integer = 1,

    /// <summary>
    /// Declared <c>[Input(…, Immutable = true)]</c>: a fact the attacker cannot change (age, an account's opening date);
    /// never perturbed, bitwise equal to the clean value.
    /// </summary>
    Immutable = 2,

    /// <summary>Integer ids read by an Embedding (<c>[Input(…, Ids = true)]</c>): never perturbed.</summary>
    Ids = 3,
}
