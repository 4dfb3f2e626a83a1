using System;
using System.Collections.Generic;

namespace Axon;

/// <summary>What a model's training targets are.</summary>
public enum TargetKind
{
    /// <summary>One class index per sample (softmax cross-entropy).</summary>
    ClassIndex = 0,

    /// <summary><see cref="IModel.OutputSize"/> float values per sample (mean squared error, binary cross-entropy).</summary>
    Values = 1,
}

/// <summary>
/// A batch of samples as spans: <see cref="Inputs"/> is <c>[Count, InputSize]</c>; exactly one of
/// <see cref="Labels"/> (<c>[Count]</c>) or <see cref="Targets"/> (<c>[Count, OutputSize]</c>) is
/// used, as the model's <see cref="IModel.TargetKind"/> says.
/// </summary>
public readonly ref struct Batch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, ReadOnlySpan<float> targets, int count)
{
    /// <summary>The inputs, row-major.</summary>
    public ReadOnlySpan<float> Inputs { get; } = inputs;

    /// <summary>Class indices, for <see cref="TargetKind.ClassIndex"/>.</summary>
    public ReadOnlySpan<int> Labels { get; } = labels;

    /// <summary>Target values, for <see cref="TargetKind.Values"/>.</summary>
    public ReadOnlySpan<float> Targets { get; } = targets;

    /// <summary>Number of samples.</summary>
    public int Count { get; } = count;
}

/// <summary>Loss and accuracy (classification) or mean absolute error (regression) over a set of samples.</summary>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Accuracy">
/// Fraction classified correctly: arg-max against the label for class indices; for a single binary cross-entropy
/// output, logit &gt; 0 against target ≥ 0.5; NaN for a regression (mean squared error), which has no accuracy.
/// </param>
/// <param name="Count">Number of samples.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Count)
{
    /// <summary>
    /// For a regression (mean squared error), the mean absolute error over every output value,
    /// <c>MAE = (1/(n·k)) Σ_i Σ_j |y_ij − t_ij|</c> (n samples, k outputs), in the units of the targets; NaN for a
    /// classifier and for a model that does not report it.
    /// </summary>
    public double MeanAbsoluteError { get; init; } = double.NaN;
}

/// <summary>Summed loss and correct count of one batch (what <see cref="IModel.EvaluateBatch"/> returns).</summary>
/// <param name="LossSum">Sum of the per-sample losses.</param>
/// <param name="Correct">Correctly classified samples (0 when accuracy is undefined).</param>
public readonly record struct BatchResult(double LossSum, int Correct)
{
    /// <summary>
    /// For a regression (mean squared error), the sum of absolute errors over the batch's output values, <c>Σ_i Σ_j |y_ij − t_ij|</c>;
    /// NaN for a classifier and for a model that does not report it.
    /// </summary>
    public double AbsoluteErrorSum { get; init; } = double.NaN;
}

/// <summary>
/// What every generated model implements, so that <c>Axon.Training.Trainer</c>, the data tools
/// and the benchmarks work on any model. Generated models also expose typed members
/// (<c>TrainStep(inputs, labels)</c>, <c>Predict</c>, …) with constant sizes.
/// </summary>
public interface IModel
{
    /// <summary>The model class's name, used in messages.</summary>
    string Name { get; }

    /// <summary>Input values per sample.</summary>
    int InputSize { get; }

    /// <summary>Output values per sample.</summary>
    int OutputSize { get; }

    /// <summary>Number of parameters.</summary>
    int ParameterCount { get; }

    /// <summary>Largest batch the workspace holds.</summary>
    int MaxBatchSize { get; }

    /// <summary>Whether targets are class indices or values.</summary>
    TargetKind TargetKind { get; }

    /// <summary>
    /// Whether <see cref="Evaluation.Accuracy"/> is defined for this model: class indices, or one binary cross-entropy output.
    /// Generated regression models (mean squared error) have none and report <see cref="Evaluation.MeanAbsoluteError"/> instead.
    /// </summary>
    bool HasAccuracy { get; }

    /// <summary>The layers, in order.</summary>
    IReadOnlyList<Layer> Layers { get; }

    /// <summary>The optimizer that <see cref="TrainStep"/> uses.</summary>
    Optimizers.Optimizer Optimizer { get; }

    /// <summary>Forward, loss, backward and an optimizer update on one batch; returns the mean loss.</summary>
    float TrainStep(in Batch batch);

    /// <summary>
    /// Forward (training mode), loss and backward on one batch (at most <see cref="MaxBatchSize"/> samples) without an update:
    /// <see cref="Gradients"/> receives ∂(mean loss)/∂θ; returns the mean loss. <see cref="TrainStep"/> is this followed by
    /// <see cref="ApplyGradients"/>. The default throws <see cref="NotSupportedException"/> (generated models implement it).
    /// </summary>
    float ComputeGradients(in Batch batch) =>
        throw new NotSupportedException($"{Name} does not implement ComputeGradients (only Axon's generated models do).");

    /// <summary>Forward and loss on one batch (at most <see cref="MaxBatchSize"/> samples), no update.</summary>
    BatchResult EvaluateBatch(in Batch batch);

    /// <summary>Outputs for a batch of inputs: <paramref name="outputs"/> is <c>[n, OutputSize]</c>.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Smallest valid raw input value (the declared range; attacks clip to it). −∞ when unbounded.</summary>
    float InputMin { get; }

    /// <summary>Largest valid raw input value. +∞ when unbounded.</summary>
    float InputMax { get; }

    /// <summary>
    /// Each input position's own range and kind (ids, immutable, integer), from the <c>[Input]</c> of the member that holds it;
    /// every attack, <c>FitOptions.GaussianNoise</c> and TRADES project onto it. Generated models return one static instance;
    /// the default is one continuous segment over <see cref="InputMin"/>..<see cref="InputMax"/>, built once per model instance.
    /// </summary>
    InputConstraints InputConstraints => DefaultInputConstraints.For(this);

    /// <summary>
    /// ∂L_i/∂x_i for every sample of the batch (each sample's own loss, not divided by the batch
    /// size), written to <paramref name="inputGradient"/> (<c>[Count, InputSize]</c>); parameters do not
    /// change. Returns the mean loss.
    /// </summary>
    float InputGradient(in Batch batch, Span<float> inputGradient);

    /// <summary>
    /// Runs the model on one batch (at most <see cref="MaxBatchSize"/> samples) and keeps its activations for
    /// <see cref="Backward"/>: <paramref name="outputs"/> (<c>[n, OutputSize]</c>) receives the raw outputs, the logits
    /// for a logits loss. <paramref name="training"/> selects training mode (dropout, BatchNorm on batch statistics and
    /// updating its running statistics, as <see cref="TrainStep"/>) or inference mode (as <see cref="Predict"/>).
    /// Generated models implement it; the default throws <see cref="NotSupportedException"/>.
    /// </summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, bool training) =>
        throw new NotSupportedException($"{Name} does not implement Forward/Backward (only Axon's generated models do).");

    /// <summary>
    /// Back-propagates a caller-supplied <paramref name="outputGradient"/> = ∂L/∂outputs of the <see cref="Forward"/> call made
    /// immediately before (same inputs, same row count; otherwise <see cref="InvalidOperationException"/>). With
    /// <paramref name="parameterGradients"/> the model's gradients are overwritten with ∂L/∂θ (as <see cref="TrainStep"/> computes
    /// them; frozen layers keep theirs); a non-empty <paramref name="inputGradient"/> (<c>[n, InputSize]</c>) receives ∂L/∂x.
    /// Nothing is scaled: L is whatever function of the outputs the caller differentiated. One Backward per Forward.
    /// The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    void Backward(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool parameterGradients) =>
        throw new NotSupportedException($"{Name} does not implement Forward/Backward (only Axon's generated models do).");

    /// <summary>
    /// One optimizer step with the current parameter gradients (from <see cref="Backward"/>): every layer that is not frozen
    /// is updated, as the update inside <see cref="TrainStep"/>. The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    void ApplyGradients() =>
        throw new NotSupportedException($"{Name} does not implement ApplyGradients (only Axon's generated models do).");

    /// <summary>
    /// The adversarial training declared on the model class with <c>[AdversarialTraining]</c>, or null (the default).
    /// <see cref="Training.Trainer.Fit"/> uses it when <see cref="Training.FitOptions.Adversarial"/> is not set; the fit
    /// option wins when both are.
    /// </summary>
    Adversarial.AdversarialTrainingOptions? AdversarialTraining => null;

    /// <summary>
    /// How many samples of the last <see cref="TrainStep"/> (or <c>ComputeGradients</c>) batch the model classified
    /// correctly, from that step's own forward pass, before its update (so in training mode: dropout on, BatchNorm on
    /// batch statistics), as Keras's running training accuracy counts; -1 when the model does not report it (no
    /// accuracy, no training step yet, or not a generated model: the default).
    /// </summary>
    int LastTrainCorrect => -1;

    /// <summary>
    /// The loss the model trains with, as declared in <c>[Model(Loss = …)]</c>. <see cref="Training.Trainer"/> needs it for
    /// options that change the loss (class weights, focal loss) and for the divergence guard, which computes the loss before
    /// the update. The default, <see cref="Loss.None"/>, means unknown: such models train through <see cref="TrainStep"/> only.
    /// </summary>
    Loss Loss => Loss.None;

    /// <summary>
    /// The state of the random generator the model draws from while training (dropout masks), or null when it has none (the
    /// default). Checkpoints save it so a resumed run draws the same masks; setting it to a value taken earlier continues that
    /// sequence.
    /// </summary>
    /// <exception cref="NotSupportedException">Set on a model without a generator.</exception>
    Rng? RandomState
    {
        get => null;
        set
        {
            if (value is not null) throw new NotSupportedException($"{Name} draws no random numbers while training; it has no random state to set.");
        }
    }

    /// <summary>
    /// The whole parameter arena (weights, biases and non-trainable state such as BatchNorm running statistics), writable,
    /// in the layout of <see cref="Layer.ParameterOffset"/>. Generated models implement it; the default throws
    /// <see cref="NotSupportedException"/>. Checkpoints, early stopping and the divergence guard copy it.
    /// </summary>
    Span<float> Parameters => throw new NotSupportedException($"{Name} does not expose its parameter arena (only Axon's generated models do).");

    /// <summary>
    /// The gradient arena, the layout of <see cref="Parameters"/>: the gradients of the last backward pass. The default throws
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    ReadOnlySpan<float> Gradients => throw new NotSupportedException($"{Name} does not expose its gradient arena (only Axon's generated models do).");

    /// <summary>Writes the parameters to a safetensors file, atomically.</summary>
    void Save(string path);

    /// <summary>Reads parameters from a safetensors file; on any error the model is unchanged.</summary>
    void Load(string path);
}
