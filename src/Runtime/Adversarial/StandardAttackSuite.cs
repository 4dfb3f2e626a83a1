using System;

namespace Axon.Adversarial;

/// <summary>What the standard suite found on one batch: counts of samples, cumulative over the attacks in order.</summary>
/// <param name="Count">Samples attacked.</param>
/// <param name="Clean">Classified correctly without attack.</param>
/// <param name="AfterApgdCe">Still correct after APGD-CE.</param>
/// <param name="AfterApgdT">Still correct after APGD-CE and APGD-T (equal to <paramref name="AfterApgdCe"/> when APGD-T does not apply).</param>
/// <param name="AfterFabT">
/// Still correct after APGD-CE, APGD-T and FAB-T (equal to <paramref name="AfterApgdT"/> when FAB-T does not apply or is off).
/// </param>
/// <param name="Robust">Still correct after every attack: the suite's robust count (per-sample worst case).</param>
/// <param name="SquareOnly">
/// Samples that only the black-box Square fooled, every white-box attack (APGD-CE, APGD-T, FAB-T) having failed on them: more
/// than a few hints at gradient masking (the gradients mislead, the model is not robust).
/// </param>
/// <param name="ApgdTargetedRan">Whether APGD-T ran (generated class-index models with at least 4 classes).</param>
/// <param name="FabTargetedRan">Whether FAB-T ran (generated class-index models, <see cref="StandardAttackSuite.RunFab"/> on).</param>
public readonly record struct SuiteCounts(int Count, int Clean, int AfterApgdCe, int AfterApgdT, int AfterFabT, int Robust, int SquareOnly,
    bool ApgdTargetedRan, bool FabTargetedRan);

/// <summary>
/// AutoAttack's "standard" evaluation (Croce and Hein, 2020): APGD-CE (100 steps, 1 run), APGD-T with the targeted DLR loss
/// (100 steps for each of the 9 classes scored highest after the top one; needs 4 classes or more), FAB-T (the targeted Fast
/// Adaptive Boundary attack, <see cref="Attacks.FabTargeted"/>: 100 iterations for each of the same 9 targets, α_max 0.1,
/// η 1.05, β 0.9, one run; its minimal-norm point counts only within ε) and the black-box Square attack (5,000 queries,
/// p_init 0.8); per sample the worst case: the first attack that misclassifies it supplies its adversarial example. Each
/// attack runs only on the samples no earlier one fooled (gathered into one compact batch), as AutoAttack does; samples the
/// model already gets wrong are not attacked (their clean input is kept).
/// </summary>
/// <remarks>
/// Create one per model shape and keep it: its buffers and <see cref="AttackWorkspace"/> are allocated on the first run, and
/// later runs allocate nothing. Every attack projects onto <see cref="IModel.InputConstraints"/>. Not thread-safe.
/// </remarks>
public sealed class StandardAttackSuite
{
    private readonly AttackWorkspace _workspace;
    private readonly bool[] _fooled, _whiteBoxFooled;
    private readonly float[] _subInputs, _subTargets, _subAdversarial;
    private readonly int[] _subLabels, _index;

    /// <summary>Creates the suite for batches of up to <paramref name="maxCount"/> samples of <paramref name="model"/>'s shape.</summary>
    /// <param name="model">Gives the shapes.</param>
    /// <param name="maxCount">Largest batch. Default (0): the model's <see cref="IModel.MaxBatchSize"/>.</param>
    public StandardAttackSuite(IModel model, int maxCount = 0)
    {
        _workspace = new AttackWorkspace(model, maxCount);
        _fooled = new bool[_workspace.MaxCount];
        _whiteBoxFooled = new bool[_workspace.MaxCount];
        _subInputs = new float[_workspace.MaxCount * model.InputSize];
        _subAdversarial = new float[_workspace.MaxCount * model.InputSize];
        _subTargets = new float[_workspace.MaxCount * model.OutputSize];
        _subLabels = new int[_workspace.MaxCount];
        _index = new int[_workspace.MaxCount];
    }

    /// <summary>APGD iterations per run. Default: 100.</summary>
    public int ApgdSteps { get; init; } = 100;

    /// <summary>Target classes of APGD-T and FAB-T. Default: 9.</summary>
    public int TargetClasses { get; init; } = 9;

    /// <summary>FAB-T iterations per target. Default: 100.</summary>
    public int FabSteps { get; init; } = 100;

    /// <summary>Whether to run FAB-T (generated class-index models only). Default: true.</summary>
    public bool RunFab { get; init; } = true;

    /// <summary>Square's queries. Default: 5000.</summary>
    public int SquareQueries { get; init; } = 5000;

    /// <summary>Square's window layout. Default: null (the row as <c>(1, 1, InputSize)</c>).</summary>
    public InputLayout? Layout { get; init; }

    /// <summary>Seed of every attack's random draws. Default: 0.</summary>
    public long Seed { get; init; }

    /// <summary>Whether to run Square. Default: true.</summary>
    public bool RunSquare { get; init; } = true;

    /// <summary>
    /// Runs the suite on <paramref name="batch"/> with budget ε in <paramref name="norm"/>; <paramref name="adversarial"/> receives
    /// per sample the first successful attack's example, or the clean input when every attack failed (or the clean input is
    /// already misclassified).
    /// </summary>
    public SuiteCounts Run(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = batch.Count, f = model.InputSize;
        _workspace.Check(model, n);
        Guard.Length(adversarial.Length, n * f, "adversarial", model.Name);
        var scorer = Scorer.For(model, batch, ScoreLoss.CrossEntropy);
        var fooled = _fooled.AsSpan(0, n);
        var whiteBox = _whiteBoxFooled.AsSpan(0, n);
        var margin = _workspace.Scalars(7, n);
        batch.Inputs.CopyTo(adversarial);
        scorer.Margins(model, batch.Inputs, margin, _workspace, default);
        int clean = 0;
        for (int i = 0; i < n; i++)
        {
            fooled[i] = margin[i] <= 0f;   // already wrong: nothing to attack
            if (!fooled[i]) clean++;
        }
        int afterCe = Attack(model, batch, norm, epsilon, adversarial, 0);
        int afterT = afterCe;
        // APGD-T's DLR gradient needs Forward/Backward: generated models, not wrappers such as SqueezedModel.
        bool targetedRan = model.TargetKind == TargetKind.ClassIndex && model.OutputSize >= 4 && model is Compiled.IModelKernel;
        if (targetedRan && afterCe > 0) afterT = Attack(model, batch, norm, epsilon, adversarial, 1);
        // FAB-T linearises z_t − z_y through Forward/Backward: generated class-index models (2 classes suffice).
        bool fabRan = RunFab && model.TargetKind == TargetKind.ClassIndex && model.OutputSize >= 2 && model is Compiled.IModelKernel;
        int afterFab = afterT;
        if (fabRan && afterT > 0) afterFab = Attack(model, batch, norm, epsilon, adversarial, 2);
        fooled.CopyTo(whiteBox);
        int robust = afterFab, squareOnly = 0;
        if (RunSquare && afterFab > 0)
        {
            robust = Attack(model, batch, norm, epsilon, adversarial, 3);
            for (int i = 0; i < n; i++) if (fooled[i] && !whiteBox[i]) squareOnly++;
        }
        return new SuiteCounts(n, clean, afterCe, afterT, afterFab, robust, squareOnly, targetedRan, fabRan);
    }

    /// <summary>
    /// Runs attack <paramref name="which"/> (0 APGD-CE, 1 APGD-T, 2 FAB-T, 3 Square) on the samples not yet fooled, gathered into one
    /// compact batch, and takes its example for those it fools; returns how many remain correct.
    /// </summary>
    private int Attack(IModel model, in Batch batch, AttackNorm norm, float epsilon, Span<float> adversarial, int which)
    {
        int n = batch.Count, f = model.InputSize, c = model.OutputSize, m = 0;
        bool labels = model.TargetKind == TargetKind.ClassIndex;
        for (int i = 0; i < n; i++)
        {
            if (_fooled[i]) continue;
            batch.Inputs.Slice(i * f, f).CopyTo(_subInputs.AsSpan(m * f, f));
            if (labels) _subLabels[m] = batch.Labels[i];
            else batch.Targets.Slice(i * c, c).CopyTo(_subTargets.AsSpan(m * c, c));
            _index[m++] = i;
        }
        if (m == 0) return 0;
        var sub = labels
            ? new Batch(_subInputs.AsSpan(0, m * f), _subLabels.AsSpan(0, m), default, m)
            : new Batch(_subInputs.AsSpan(0, m * f), default, _subTargets.AsSpan(0, m * c), m);
        var result = _subAdversarial.AsSpan(0, m * f);
        switch (which)
        {
            case 0: Attacks.Apgd(model, sub, norm, epsilon, result, _workspace, ApgdLoss.CrossEntropy, ApgdSteps, 1, Seed); break;
            case 1: Attacks.ApgdTargeted(model, sub, norm, epsilon, result, _workspace, TargetClasses, ApgdSteps, Seed); break;
            case 2: Attacks.FabTargeted(model, sub, norm, epsilon, result, _workspace, TargetClasses, FabSteps, 1, seed: Seed); break;
            default: Attacks.Square(model, sub, norm, epsilon, result, _workspace, SquareQueries, 0.8f, Seed, Layout); break;
        }
        var scorer = Scorer.For(model, sub, ScoreLoss.CrossEntropy);
        var margin = _workspace.Scalars(7, m);
        scorer.Margins(model, result, margin, _workspace, default);
        int remaining = 0;
        for (int i = 0; i < n; i++) if (!_fooled[i]) remaining++;
        for (int j = 0; j < m; j++)
        {
            if (margin[j] > 0f) continue;
            int i = _index[j];
            _fooled[i] = true;
            remaining--;
            result.Slice(j * f, f).CopyTo(adversarial.Slice(i * f, f));
        }
        return remaining;
    }
}
