namespace Axon.Privacy;

/// <summary>An (ε, δ)-differential-privacy guarantee and the Rényi order that gave it.</summary>
/// <param name="Epsilon">ε ≥ 0: how much one sample's presence can change the probability of any outcome, as a factor <c>e^ε</c>.</param>
/// <param name="Delta">δ: the probability with which the factor may be exceeded.</param>
/// <param name="Order">The Rényi order α at which the bound was smallest.</param>
public readonly record struct PrivacySpent(double Epsilon, double Delta, double Order);
