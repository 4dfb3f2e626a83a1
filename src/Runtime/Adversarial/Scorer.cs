using System;
using System.Numerics.Tensors;

namespace Axon.Adversarial;

/// <summary>What an attack scores a sample by.</summary>
internal enum ScoreLoss
{
    /// <summary>The model's own loss (softmax CE; BCE or squared error for one output), to ascend.</summary>
    CrossEntropy,

    /// <summary>Untargeted DLR, to ascend.</summary>
    Dlr,

    /// <summary>Targeted DLR towards the given targets, to ascend.</summary>
    DlrTargeted,

    /// <summary>The logit difference <c>z_t − z_y</c> towards the given targets (FAB-T's linearised function; gradient e_t − e_y).</summary>
    LogitDifference,
}

/// <summary>
/// Per-sample loss, success and input gradient of a classifier, from one forward (and one backward) pass: the margin
/// <c>m = z_y − max_{k≠y} z_k</c> (one output: <c>s·(z − threshold)</c>, s = ±1 by the target's side) decides success (m ≤ 0,
/// as AutoAttack and Square count it).
/// </summary>
internal readonly ref struct Scorer
{
    private readonly ScoreLoss _loss;
    private readonly bool _classes;
    private readonly float _threshold;
    private readonly bool _binaryCrossEntropy;
    private readonly Batch _labels;
    private readonly bool _forwardBackward;   // generated models; wrappers (SqueezedModel) give the CE gradient through InputGradient

    private Scorer(ScoreLoss loss, bool classes, float threshold, bool binaryCrossEntropy, in Batch labels, bool forwardBackward)
    {
        _forwardBackward = forwardBackward;
        (_loss, _classes, _threshold, _binaryCrossEntropy) = (loss, classes, threshold, binaryCrossEntropy);
        _labels = labels;
    }

    public static Scorer For(IModel model, in Batch batch, ScoreLoss loss)
    {
        int c = model.OutputSize;
        bool forwardBackward = model is Compiled.IModelKernel;
        if (!forwardBackward && loss != ScoreLoss.CrossEntropy)
            throw new NotSupportedException($"the {loss} loss needs IModel.Forward/Backward, which {model.Name} does not implement; use the cross-entropy loss.");
        if (model.TargetKind == TargetKind.ClassIndex)
        {
            Guard.Length(batch.Labels.Length, batch.Count, "labels", model.Name);
            Guard.Labels(batch.Labels, c, model.Name);
            int needed = loss switch { ScoreLoss.Dlr => 3, ScoreLoss.DlrTargeted => 4, _ => 2 };   // LogitDifference: 2
            if (c < needed)
                throw new NotSupportedException($"the {loss} loss needs at least {needed} classes; {model.Name} has {c}.");
            return new Scorer(loss, true, 0f, false, batch, forwardBackward);
        }
        if (c != 1 || model.Loss is not (Loss.BinaryCrossEntropy or Loss.MeanSquaredError))
            throw new NotSupportedException(
                $"this attack needs a classifier: class logits, or one output trained with binary cross-entropy or squared error; {model.Name} has {c} outputs and Loss.{model.Loss}.");
        if (loss != ScoreLoss.CrossEntropy)
            throw new NotSupportedException($"the {loss} loss needs class logits; {model.Name} has one output (use ApgdLoss.CrossEntropy).");
        Guard.Length(batch.Targets.Length, batch.Count, "targets", model.Name);
        bool bce = model.Loss == Loss.BinaryCrossEntropy;
        return new Scorer(loss, false, bce ? 0f : 0.5f, bce, batch, forwardBackward);
    }

    /// <summary>
    /// Loss to ascend and success per sample at <paramref name="x"/>; with a non-empty <paramref name="gradient"/> also ∂loss/∂x
    /// (through <see cref="IModel.Forward"/> and <see cref="IModel.Backward"/>), else through <see cref="IModel.Predict"/> only.
    /// </summary>
    public void Evaluate(IModel model, ReadOnlySpan<float> x, Span<float> loss, Span<bool> success, Span<float> gradient,
        AttackWorkspace workspace, ReadOnlySpan<int> targets)
    {
        int n = loss.Length, c = model.OutputSize;
        var z = workspace.Logits(n);
        var dz = workspace.LogitGradient(n);
        bool wantGradient = !gradient.IsEmpty, viaForward = wantGradient && _forwardBackward;
        if (viaForward) model.Forward(x, z, training: false);
        else model.Predict(x, z);
        for (int i = 0; i < n; i++)
        {
            var zi = z.Slice(i * c, c);
            var gi = dz.Slice(i * c, c);
            if (_classes) loss[i] = ClassLoss(zi, _labels.Labels[i], targets.IsEmpty ? -1 : targets[i], gi, out success[i]);
            else loss[i] = BinaryLoss(zi[0], _labels.Targets[i], out gi[0], out success[i]);
        }
        if (viaForward) model.Backward(x, dz, gradient, parameterGradients: false);
        else if (wantGradient) model.InputGradient(new Batch(x, _labels.Labels, _labels.Targets, n), gradient);   // the model's own loss: CE
    }

    /// <summary>Margin per sample (≤ 0: fooled), from <see cref="IModel.Predict"/>: Square's loss.</summary>
    public void Margins(IModel model, ReadOnlySpan<float> x, Span<float> margin, AttackWorkspace workspace, ReadOnlySpan<int> index)
    {
        int n = margin.Length, c = model.OutputSize;
        var z = workspace.Logits(n);
        model.Predict(x, z);
        for (int i = 0; i < n; i++)
        {
            var zi = z.Slice(i * c, c);
            int row = index.IsEmpty ? i : index[i];
            margin[i] = _classes ? ClassMargin(zi, _labels.Labels[row], out _) : Side(_labels.Targets[row]) * (zi[0] - _threshold);
        }
    }

    private static float Side(float target) => target >= 0.5f ? 1f : -1f;

    private static float ClassMargin(ReadOnlySpan<float> z, int y, out int other)
    {
        other = y == 0 ? 1 : 0;
        for (int k = 0; k < z.Length; k++)
            if (k != y && z[k] > z[other]) other = k;
        return z[y] - z[other];
    }

    private float ClassLoss(ReadOnlySpan<float> z, int y, int target, Span<float> dz, out bool success)
    {
        float margin = ClassMargin(z, y, out int other);
        success = margin <= 0f && TensorPrimitives.IndexOfMax(z) != y;
        dz.Clear();
        switch (_loss)
        {
            case ScoreLoss.CrossEntropy:
            {
                float max = TensorPrimitives.Max(z), sum = 0f;
                for (int k = 0; k < z.Length; k++) sum += dz[k] = MathF.Exp(z[k] - max);
                for (int k = 0; k < z.Length; k++) dz[k] /= sum;
                dz[y] -= 1f;
                return max + MathF.Log(sum) - z[y];
            }
            case ScoreLoss.Dlr:
            {
                // −(z_y − z_j)/(z_π1 − z_π3 + 1e−12): ∂/∂z_y = −1/b, ∂/∂z_j = 1/b, ∂/∂z_π1 = a/b², ∂/∂z_π3 = −a/b².
                int p1 = Rank(z, 0), p3 = Rank(z, 2);
                float a = margin, b = z[p1] - z[p3] + 1e-12f;
                dz[y] -= 1f / b;
                dz[other] += 1f / b;
                dz[p1] += a / (b * b);
                dz[p3] -= a / (b * b);
                return -a / b;
            }
            case ScoreLoss.LogitDifference:
                dz[target] += 1f;
                dz[y] -= 1f;
                return z[target] - z[y];
            default:
            {
                // −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2 + 1e−12).
                int p1 = Rank(z, 0), p3 = Rank(z, 2), p4 = Rank(z, 3);
                float a = z[y] - z[target], b = z[p1] - (z[p3] + z[p4]) / 2f + 1e-12f;
                dz[y] -= 1f / b;
                dz[target] += 1f / b;
                dz[p1] += a / (b * b);
                dz[p3] -= a / (2f * b * b);
                dz[p4] -= a / (2f * b * b);
                return -a / b;
            }
        }
    }

    private float BinaryLoss(float z, float target, out float dz, out bool success)
    {
        success = Side(target) * (z - _threshold) <= 0f;
        if (_binaryCrossEntropy)
        {
            // softplus(z) − t·z, stable for large |z|; ∂/∂z = σ(z) − t.
            float softplus = MathF.Max(z, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
            dz = 1f / (1f + MathF.Exp(-z)) - target;
            return softplus - target * z;
        }
        float d = z - target;
        dz = 2f * d;
        return d * d;
    }

    /// <summary>Index of the (rank + 1)-th largest logit, ties to the lower index.</summary>
    private static int Rank(ReadOnlySpan<float> z, int rank)
    {
        // Small class counts: count how many beat each candidate.
        for (int j = 0; j < z.Length; j++)
        {
            int above = 0;
            for (int k = 0; k < z.Length; k++)
                if (z[k] > z[j] || (z[k] == z[j] && k < j)) above++;
            if (above == rank) return j;
        }
        return 0;
    }
}
