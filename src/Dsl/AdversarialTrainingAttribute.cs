using System;
using Axon.Adversarial;

namespace Axon;

/// <summary>
/// Declares how the model is trained adversarially: <c>Trainer.Fit</c> (and <c>model.Fit</c>) then trains every batch
/// on the declared objective unless <c>FitOptions.Adversarial</c> is set, which wins. The generated model exposes the
/// settings as <c>IModel.AdversarialTraining</c> (an <c>AdversarialTrainingOptions</c>), checked at compile time
/// (AXN0304 on the argument that is wrong).
/// </summary>
/// <remarks>
/// <para>
/// FGSM and PGD minimise Goodfellow et al.'s <c>α·J(x) + (1 − α)·J(x_adv)</c> (Madry et al.'s objective is PGD with
/// <c>α = 0</c>); TRADES minimises <c>CE(f(x), y) + β·KL(p(x) ‖ p(x'))</c>. The runtime documentation of
/// <c>AdversarialTrainingOptions</c> gives the details and the batch sizes each needs (<c>2·BatchSize ≤ MaxBatchSize</c>
/// for α = ½ and for TRADES).
/// </para>
/// </remarks>
/// <example><c>[AdversarialTraining(0.1f, Method = AdversarialMethod.Trades, Steps = 10)]</c></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AdversarialTrainingAttribute : Attribute
{
    /// <summary>Declares adversarial training with an L∞ budget.</summary>
    /// <param name="epsilon">The budget ε in raw input units, finite and ≥ 0 (0.1 is common on Fashion-MNIST in [0, 1]).</param>
    public AdversarialTrainingAttribute(float epsilon) => Epsilon = epsilon;

    /// <summary>The L∞ budget ε (raw input units).</summary>
    public float Epsilon { get; }

    /// <summary>How the adversarial examples are made. Default: <see cref="AdversarialMethod.Fgsm"/>.</summary>
    public AdversarialMethod Method { get; set; } = AdversarialMethod.Fgsm;

    /// <summary>Weight α ∈ [0, 1] of the clean loss for FGSM and PGD (not used by TRADES). Default: 0.5 (Goodfellow et al.).</summary>
    public double Alpha { get; set; } = 0.5;

    /// <summary>Attack steps per training step for PGD and TRADES, at least 1. Default: 7.</summary>
    public int Steps { get; set; } = 7;

    /// <summary>Attack step size (L∞, raw input units), finite and ≥ 0. Default: 0, meaning <c>2.5·ε/Steps</c>.</summary>
    public float StepSize { get; set; }

    /// <summary>TRADES' weight β ≥ 0 of the robust KL term (not used by FGSM and PGD). Default: 6, as in Zhang et al. (2019).</summary>
    public double Beta { get; set; } = 6.0;
}
