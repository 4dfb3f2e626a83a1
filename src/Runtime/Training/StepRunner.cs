using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Axon.Adversarial;
using Axon.Losses;

namespace Axon.Training;

/// <summary>
/// One training step of <see cref="Trainer.Fit"/> with the divergence guard. Where the model declares its loss
/// (<see cref="IModel.Loss"/>) and trains without adversarial examples, a step is <see cref="IModel.Forward"/> (training mode),
/// the loss and its gradient here (plain, class-weighted or focal), <see cref="IModel.Backward"/>, L1 and clipping, a finiteness
/// check, and only then <see cref="IModel.ApplyGradients"/>: a step with a non-finite loss or gradient never reaches the weights.
/// With plain options this computes bit for bit what <see cref="IModel.TrainStep"/> computes. Otherwise (adversarial training, a
/// model of unknown loss) the step is the model's own, checked after it ran. Buffers are allocated once; a step allocates nothing.
/// </summary>
internal sealed partial class StepRunner
{
    private readonly IModel _model;
    private readonly FitOptions _options;
    private readonly AdversarialStep? _adversarial;
    private readonly bool _manual, _canRestore;
    private readonly Loss _loss;
    private readonly float[]? _outputs, _outputGradient, _classWeights;
    private readonly float _positiveWeight, _l1;
    private readonly float? _clip;
    private readonly FocalLoss? _focal;
    private readonly Layer[] _trainable, _kernels;
    // Parameters outside every layer's weight and bias (BatchNorm running statistics, alignment padding): a training-mode forward pass
    // updates the statistics before the loss is known, so they are copied before each step and put back when the step is refused.
    private readonly (int Offset, int Length)[] _extra;
    private readonly float[] _extraCopy;
    private ModelSnapshot? _epochStart;
    private int _epoch;

    public StepRunner(IModel model, FitOptions options, AdversarialStep? adversarial, int batchSize)
    {
        _model = model;
        _options = options;
        _adversarial = adversarial;
        _loss = model.Loss;
        _classWeights = options.ClassWeights;
        _positiveWeight = options.PositiveClassWeight;
        _focal = options.FocalLoss;
        _l1 = options.L1;
        _clip = options.GradientClipNorm;
        _manual = adversarial is null && _loss != Loss.None;
        if (_manual)
        {
            _outputs = new float[batchSize * model.OutputSize];
            _outputGradient = new float[batchSize * model.OutputSize];
        }
        int parameterLength;
        try { parameterLength = model.Parameters.Length; _canRestore = true; }
        catch (NotSupportedException) { parameterLength = 0; _canRestore = false; }
        var layers = new List<Layer>(model.Layers);
        layers.Sort((a, b) => a.ParameterOffset.CompareTo(b.ParameterOffset));
        var extra = new List<(int, int)>();
        int end = 0, extraLength = 0;
        foreach (var layer in layers)
        {
            if (layer.ParameterCount == 0) continue;
            if (layer.ParameterOffset > end) { extra.Add((end, layer.ParameterOffset - end)); extraLength += layer.ParameterOffset - end; }
            end = Math.Max(end, layer.ParameterOffset + layer.ParameterCount);
        }
        if (parameterLength > end) { extra.Add((end, parameterLength - end)); extraLength += parameterLength - end; }
        _extra = extra.ToArray();
        _extraCopy = new float[extraLength];
        _trainable = model.Layers.Where(l => l.ParameterCount > 0).ToArray();
        _kernels = model.Layers.Where(l => l.WeightCount > 0 && l.IsKernel).ToArray();
        if (options.DifferentialPrivacy is { } dp)
            _dp = new DpSgdState(dp, parameterLength, batchSize, options.Seed, GhostNormsApply(model), model.MaxBatchSize, model.OutputSize);
        if (options.ProcessGroup is { } group)
        {
            if (!_manual || !_canRestore)
                throw new NotSupportedException(
                    $"{model.Name}: data-parallel training (FitOptions.ProcessGroup) needs a generated model that declares its loss and trains " +
                    "without adversarial examples: its gradients must be summed over the ranks between the backward pass and the update.");
            Parallel = new DataParallel(model, group, _extra);
        }
    }

    /// <summary>The data-parallel side of the steps (<see cref="FitOptions.ProcessGroup"/>), or null.</summary>
    public DataParallel? Parallel { get; }

    /// <summary>Whether steps compute the loss before the update (so they can refuse a step).</summary>
    public bool ChecksBeforeUpdate => _manual;

    /// <summary>
    /// For a regression (mean squared error) trained through the checked path, <c>Σ |y − t|</c> over the outputs of the last
    /// applied step's training forward pass (before its update, as the running loss); NaN otherwise.
    /// </summary>
    public double LastAbsoluteErrorSum { get; private set; } = double.NaN;

    /// <summary>Batches skipped this epoch (<see cref="NonFiniteAction.SkipBatch"/>).</summary>
    public int Skipped { get; private set; }

    /// <summary>Starts an epoch: remembers the state to fall back on if an update itself breaks the weights.</summary>
    public void BeginEpoch(int epoch)
    {
        _epoch = epoch;
        Skipped = 0;
        if (!_canRestore) return;
        if (_epochStart is null) _epochStart = ModelSnapshot.Take(_model);
        else _epochStart.CopyFrom(_model);
    }

    /// <summary>Ends an epoch: the weights must be finite (an update may have broken them without a later loss showing it).</summary>
    public void EndEpoch(int steps)
    {
        if (!_canRestore || Guard.IndexOfNonFinite(_model.Parameters) < 0) return;
        _epochStart!.RestoreTo(_model);
        throw Diverged(steps, steps, "the weights are not finite after the epoch's last step",
            $"the start of epoch {_epoch}", updateBroke: true);
    }

    /// <summary>
    /// Trains on <paramref name="batch"/>; returns false when the batch was skipped. <paramref name="loss"/> is the objective's mean
    /// over the batch; <paramref name="correct"/> the correctly classified samples of the training forward pass, or -1.
    /// </summary>
    public bool Step(in Batch batch, int step, int steps, out float loss, out int correct)
    {
        LastAbsoluteErrorSum = double.NaN;
        if (_dp is not null) return DpStep(in batch, step, steps, out loss, out correct);
        if (!_manual)
        {
            loss = _adversarial is null ? _model.TrainStep(in batch) : _adversarial.TrainStep(_model, in batch);
            correct = _adversarial is null && _model.HasAccuracy ? _model.LastTrainCorrect : -1;
            if (!float.IsFinite(loss))
            {
                // The model's own step has already updated the weights: only the epoch's start is known good.
                if (_canRestore)
                {
                    _epochStart!.RestoreTo(_model);
                    throw Diverged(step, steps, $"the loss is {Text(loss)}", $"the start of epoch {_epoch}", updateBroke: false);
                }
                throw Diverged(step, steps, $"the loss is {Text(loss)}", "nothing (this model does not expose its parameters, so they could not be restored)", updateBroke: false);
            }
            return true;
        }

        int n = batch.Count, k = _model.OutputSize;
        var outputs = _outputs.AsSpan(0, n * k);
        var gradient = _outputGradient.AsSpan(0, n * k);
        SaveExtra();
        _model.Forward(batch.Inputs, outputs, training: true);
        loss = LossAndGradient(batch, outputs, gradient, n, k);
        correct = Correct(batch, outputs, n, k);
        if (_l1 > 0f)
            foreach (var layer in _kernels)
                if (!layer.IsFrozen) loss += _l1 * TensorPrimitives.SumOfMagnitudes<float>(layer.Weight);
        string? problem = !float.IsFinite(loss) ? $"the loss is {Text(loss)}"
            : Guard.IndexOfNonFinite(gradient) >= 0 ? "the gradient of the loss with respect to the outputs is not finite" : null;
        if (Parallel is null)
        {
            if (problem is not null) return Refuse(step, steps, problem);
            _model.Backward(batch.Inputs, gradient, default, parameterGradients: true);
        }
        else
        {
            // Every rank must reach the all-reduce; a rank whose step failed sends NaN, so every rank refuses the step below.
            if (problem is null) _model.Backward(batch.Inputs, gradient, default, parameterGradients: true);
            else Writable(_model.Gradients).Fill(float.NaN);
            Parallel.ReduceGradients(Writable(_model.Gradients));
            problem ??= "a gradient is not finite after the sum over the ranks (another rank's loss or gradient was not finite)";
        }
        var gradients = Writable(_model.Gradients);
        if (_l1 > 0f)
            foreach (var layer in _kernels)
                if (!layer.IsFrozen) AddSign(layer.Weight, gradients.Slice(layer.ParameterOffset, layer.WeightCount), _l1);
        foreach (var layer in _trainable)
            if (!layer.IsFrozen && Guard.IndexOfNonFinite(gradients.Slice(layer.ParameterOffset, layer.ParameterCount)) >= 0)
                return Refuse(step, steps, Parallel is null ? $"a gradient of layer {layer.Name} is not finite" : problem!);
        if (_clip is float c) Clip(gradients, c);
        _model.ApplyGradients();
        if (_loss == Loss.MeanSquaredError) LastAbsoluteErrorSum = Metrics.RegressionMetrics.AbsoluteErrorSum(outputs, batch.Targets);
        return true;
    }

    private float LossAndGradient(in Batch batch, ReadOnlySpan<float> outputs, Span<float> gradient, int n, int k)
    {
        switch (_loss)
        {
            case Loss.SoftmaxCrossEntropy:
                if (_focal is { } focal) return Focal.Softmax(outputs, batch.Labels, _classWeights, focal.Gamma, gradient, n, k);
                if (_classWeights is { } w) return WeightedCrossEntropy.Softmax(outputs, batch.Labels, w, gradient, n, k);
                return SoftmaxCrossEntropy.ForwardBackward(outputs, batch.Labels, gradient, n, k, 1f / n) / n;
            case Loss.BinaryCrossEntropy:
                if (_focal is { } bf) return Focal.Binary(outputs, batch.Targets, _classWeights, bf.Gamma, bf.Alpha, gradient, n * k, n);
                if (_classWeights is not null || _positiveWeight != 1f)
                    return WeightedCrossEntropy.Binary(outputs, batch.Targets, _classWeights, _positiveWeight, gradient, n * k, n);
                return BinaryCrossEntropy.ForwardBackward(outputs, batch.Targets, gradient, n * k, 1f / n) / n;
            default:
                return MeanSquaredError.ForwardBackward(outputs, batch.Targets, gradient, n * k, 1f / (n * k)) / (n * k);
        }
    }

    private int Correct(in Batch batch, ReadOnlySpan<float> outputs, int n, int k)
    {
        if (!_model.HasAccuracy) return -1;
        if (_model.TargetKind == TargetKind.ClassIndex) return Metrics.Accuracy.CountArgMaxCorrect(outputs, batch.Labels, n, k);
        return k == 1 ? Metrics.Accuracy.CountBinaryCorrect(outputs, batch.Targets, n, _loss == Loss.BinaryCrossEntropy ? 0f : 0.5f) : -1;
    }

    /// <summary>
    /// A refused step changed nothing but the running statistics, which are put back. If the weights are not finite, an earlier update
    /// broke them: then only the epoch's start is known good, and training stops whatever <see cref="FitOptions.OnNonFinite"/> says.
    /// </summary>
    private bool Refuse(int step, int steps, string what)
    {
        RestoreExtra();
        if (_canRestore && Guard.IndexOfNonFinite(_model.Parameters) >= 0)
        {
            _epochStart!.RestoreTo(_model);
            throw Diverged(step, steps, what + ", and the weights are not finite (an earlier update of this epoch made them so)",
                $"the start of epoch {_epoch}", updateBroke: true);
        }
        if (_options.OnNonFinite == NonFiniteAction.SkipBatch)
        {
            Skipped++;
            return false;
        }
        throw Diverged(step, steps, what, $"before step {step} of epoch {_epoch} (the step was not applied)", updateBroke: false);
    }

    private TrainingDivergedException Diverged(int step, int steps, string what, string restoredTo, bool updateBroke)
    {
        string largest = "";
        if (_canRestore)
        {
            var p = _model.Parameters;
            largest = p.IsEmpty ? "" : $" The largest |parameter| is now {Text(MathF.Abs(TensorPrimitives.MaxMagnitude<float>(p)))}.";
        }
        string advice = updateBroke || _options.OnNonFinite == NonFiniteAction.SkipBatch
            ? "Lower the learning rate (it is " + Text(_model.Optimizer.LearningRate) + ") or clip gradients (FitOptions.GradientClipNorm)."
            : "Lower the learning rate (it is " + Text(_model.Optimizer.LearningRate) + "), clip gradients (FitOptions.GradientClipNorm), " +
              "or set FitOptions.OnNonFinite = NonFiniteAction.SkipBatch to skip such batches.";
        return new TrainingDivergedException(
            $"{_model.Name}: training diverged at epoch {_epoch}, step {step} of {steps}: {what}. " +
            $"The parameters and optimizer state are as they were {restoredTo}.{largest} {advice}",
            _epoch, step, restoredTo);
    }

    private void SaveExtra()
    {
        if (_extraCopy.Length == 0) return;
        var p = _model.Parameters;
        int at = 0;
        foreach (var (offset, length) in _extra) { p.Slice(offset, length).CopyTo(_extraCopy.AsSpan(at)); at += length; }
    }

    private void RestoreExtra()
    {
        if (_extraCopy.Length == 0) return;
        var p = _model.Parameters;
        int at = 0;
        foreach (var (offset, length) in _extra) { _extraCopy.AsSpan(at, length).CopyTo(p.Slice(offset, length)); at += length; }
    }

    private static void AddSign(ReadOnlySpan<float> w, Span<float> g, float lambda)
    {
        for (int i = 0; i < w.Length; i++)
            g[i] += w[i] > 0f ? lambda : w[i] < 0f ? -lambda : 0f;
    }

    /// <summary>PyTorch's <c>clip_grad_norm_</c> over the layers that train: <c>g ← g·min(1, c/(‖g‖₂ + 10⁻⁶))</c>.</summary>
    private void Clip(Span<float> gradients, float maxNorm)
    {
        double sum = 0;
        foreach (var layer in _trainable)
        {
            if (layer.IsFrozen) continue;
            var g = gradients.Slice(layer.ParameterOffset, layer.ParameterCount);
            float s = TensorPrimitives.SumOfSquares<float>(g);
            if (float.IsInfinity(s)) { s = 0; double d = 0; foreach (float v in g) d += (double)v * v; sum += d; }
            else sum += s;
        }
        double coefficient = maxNorm / (Math.Sqrt(sum) + 1e-6);
        if (coefficient >= 1) return;
        float scale = (float)coefficient;
        foreach (var layer in _trainable)
            if (!layer.IsFrozen)
            {
                var g = gradients.Slice(layer.ParameterOffset, layer.ParameterCount);
                TensorPrimitives.Multiply(g, scale, g);
            }
    }

    // The model hands its gradient arena out read-only so users cannot corrupt a step by accident; the trainer is the one place that
    // edits gradients between Backward and ApplyGradients (L1, clipping), as an optimizer hook would.
    private static Span<float> Writable(ReadOnlySpan<float> span) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(span), span.Length);

    private static string Text(float v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
