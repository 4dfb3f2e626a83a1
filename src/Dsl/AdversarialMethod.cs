namespace Axon.Adversarial;

// Declared in Axon.Dsl (not the runtime) so that [AdversarialTraining] can name it; the namespace
// stays Axon.Adversarial, where the runtime's adversarial training options live.

/// <summary>How adversarial training makes the adversarial examples it trains on (<c>AdversarialTrainingOptions.Method</c>, <see cref="AdversarialTrainingAttribute.Method"/>).</summary>
public enum AdversarialMethod
{
    /// <summary>One FGSM step, <c>x + ε·sign(∇ₓJ)</c> (<c>Attacks.Fgsm</c>; Goodfellow et al., 2015), trained with the α-mixed objective.</summary>
    Fgsm = 0,

    /// <summary>
    /// L∞ PGD from a random start (<c>Attacks.Pgd</c>; Madry et al., 2018, "Towards deep learning models resistant
    /// to adversarial attacks"), with <c>Steps</c> steps of <c>StepSize</c>, trained with the α-mixed objective
    /// (Madry et al.: α = 0).
    /// </summary>
    Pgd = 1,

    /// <summary>
    /// TRADES (Zhang et al., 2019, "Theoretically principled trade-off between robustness and accuracy"): minimises
    /// <c>CE(f(x), y) + β·KL(p(x) ‖ p(x'))</c>, where <c>x'</c> maximises the KL term in the L∞ ε-ball by <c>Steps</c>
    /// sign-gradient steps from <c>x + 0.001·N(0, I)</c>. Softmax cross-entropy (class-index) models only; α is not used.
    /// </summary>
    Trades = 2,
}
