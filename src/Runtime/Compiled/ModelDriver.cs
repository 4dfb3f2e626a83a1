using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using Axon.Losses;
using Axon.Metrics;
using Axon.Serialization;

namespace Axon.Compiled;

/// <summary>
/// The public members every generated model has, written once: generated members are one-line calls
/// into these, passing the model itself (<see cref="IModelKernel"/>), which supplies only its forward
/// and backward passes and its initialisation. Each member enters the model's concurrent-use guard
/// (<see cref="ModelCore.Enter"/>), checks every argument before any state changes, batches by
/// <c>MaxBatchSize</c> where it takes any number of samples, and allocates nothing unless it returns
/// a new array.
/// </summary>
/// <remarks>
/// Thread safety: one model instance runs one call at a time; a second thread entering any of these
/// members during a call throws <see cref="InvalidOperationException"/>. For concurrent prediction,
/// each thread uses its own <see cref="CreateSession"/> result: sessions share the weights (no copy)
/// and have their own workspace.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ModelDriver
{
    /// <summary>
    /// Runs the network on one or more samples: <paramref name="inputs"/> is <c>[n, InputSize]</c>, <paramref name="outputs"/>
    /// <c>[n, OutputSize]</c> (the output layer's values: logits for a logits loss). Any n; no allocation.
    /// Thread-safe only on separate instances: use one inference session per thread.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, a positive multiple of InputSize values, all finite.</param>
    /// <param name="outputs">Receives n·OutputSize values.</param>
    public static void Predict(IModelKernel model, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var core = model.Core;
        int token = core.Enter("Predict", writes: false);
        try { PredictCore(model, core, inputs, outputs); }
        finally { core.Exit(token); }
    }

    /// <summary>Runs the network on one sample and returns a new array of <c>OutputSize</c> values.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="input">InputSize finite values.</param>
    public static float[] Predict(IModelKernel model, ReadOnlySpan<float> input)
    {
        var core = model.Core;
        Guard.Length(input.Length, core.Info.InputSize, "input", core.ModelName);
        var output = new float[core.Info.OutputSize];
        Predict(model, input, output);
        return output;
    }

    /// <summary>The most likely class of one sample: the arg-max of its logits (ties: the lowest index). No allocation.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="input">InputSize finite values.</param>
    /// <exception cref="InvalidOperationException">The logits are NaN (parameters that are not finite, as after diverged
    /// training, or an overflow inside the model): there is no most likely class, and class 0 would be a silent guess.</exception>
    public static int Classify(IModelKernel model, ReadOnlySpan<float> input)
    {
        var core = model.Core;
        int token = core.Enter("Classify", writes: false);
        try
        {
            Guard.Length(input.Length, core.Info.InputSize, "input", core.ModelName);
            Guard.Finite(input, "input");
            Forward(model, core, input, 1, training: false);
            var logits = core.Outputs(1);
            int k = TensorPrimitives.IndexOfMax(logits);   // the first NaN's index when there is one
            if (float.IsNaN(logits[k]))
                throw new InvalidOperationException(
                    $"{core.ModelName}'s logits for this input include NaN (at class {k}), so it has no most likely class; " +
                    "its parameters are not all finite (did training diverge?) or a value overflowed inside the model.");
            return k;
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// Probabilities per sample: <c>softmax(logits)</c> for softmax cross-entropy, <c>σ(logit)</c> element-wise for binary
    /// cross-entropy. <paramref name="outputs"/> is <c>[n, OutputSize]</c>. No allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, a positive multiple of InputSize values, all finite.</param>
    /// <param name="outputs">Receives n·OutputSize probabilities.</param>
    public static void PredictProbabilities(IModelKernel model, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var core = model.Core;
        int token = core.Enter("PredictProbabilities", writes: false);
        try
        {
            PredictCore(model, core, inputs, outputs);
            int width = core.Info.OutputSize;
            if (core.Info.Loss == Axon.Loss.SoftmaxCrossEntropy)
                for (int r = 0; r < outputs.Length; r += width)
                    Kernels.Softmax.Row(outputs.Slice(r, width), outputs.Slice(r, width));
            else
                TensorPrimitives.Sigmoid(outputs, outputs);
        }
        finally { core.Exit(token); }
    }

    private static void PredictCore(IModelKernel model, ModelCore core, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        var info = core.Info;
        int n = Guard.Rows(inputs.Length, info.InputSize, "inputs", info.Name);
        Guard.Length(outputs.Length, n * info.OutputSize, "outputs", info.Name);
        Guard.Finite(inputs, "inputs");
        for (int start = 0; start < n; start += core.MaxBatchSize)
        {
            int m = Math.Min(core.MaxBatchSize, n - start);
            Forward(model, core, inputs.Slice(start * info.InputSize, m * info.InputSize), m, training: false);
            core.Outputs(m).CopyTo(outputs.Slice(start * info.OutputSize, m * info.OutputSize));
        }
    }

    /// <summary>
    /// One training step on a batch of at most MaxBatchSize samples: forward, the declared loss, backward and an optimizer
    /// update of every layer that is not frozen. Returns the batch's mean loss. Inputs are checked first (lengths, finite
    /// values, labels in range); on bad input nothing changes.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    public static float TrainStep(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) =>
        TrainStep(model, inputs, Labels(model, labels));

    /// <summary>
    /// One training step on a batch of at most MaxBatchSize samples: forward, the declared loss, backward and an optimizer
    /// update of every layer that is not frozen. Returns the batch's mean loss. Inputs are checked first (lengths, finite
    /// values, targets); on bad input nothing changes.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values (in [0, 1] for binary cross-entropy).</param>
    public static float TrainStep(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) =>
        TrainStep(model, inputs, Values(model, targets));

    /// <summary>The typed <c>TrainStep</c> on a <see cref="Batch"/> (what <see cref="IModel.TrainStep"/> calls).</summary>
    public static float TrainStep(IModelKernel model, in Batch batch) =>
        model.Core.Info.TargetKind == TargetKind.ClassIndex ? TrainStep(model, batch.Inputs, batch.Labels) : TrainStep(model, batch.Inputs, batch.Targets);

    private static float TrainStep(IModelKernel model, ReadOnlySpan<float> inputs, Targets targets)
    {
        var core = model.Core;
        int token = core.Enter("TrainStep", writes: true);
        try
        {
            float loss = ComputeGradientsCore(model, core, inputs, targets);
            core.OptimizerStep();
            return loss;
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// Forward (training mode), loss and backward without an update, on at most MaxBatchSize samples: fills Gradients with
    /// ∂(mean loss)/∂θ and returns the mean loss.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    public static float ComputeGradients(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) =>
        ComputeGradients(model, inputs, Labels(model, labels));

    /// <summary>
    /// Forward (training mode), loss and backward without an update, on at most MaxBatchSize samples: fills Gradients with
    /// ∂(mean loss)/∂θ and returns the mean loss.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values.</param>
    public static float ComputeGradients(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) =>
        ComputeGradients(model, inputs, Values(model, targets));

    /// <summary>The typed <c>ComputeGradients</c> on a <see cref="Batch"/> (what <see cref="IModel.ComputeGradients"/> calls).</summary>
    public static float ComputeGradients(IModelKernel model, in Batch batch) =>
        model.Core.Info.TargetKind == TargetKind.ClassIndex ? ComputeGradients(model, batch.Inputs, batch.Labels) : ComputeGradients(model, batch.Inputs, batch.Targets);

    private static float ComputeGradients(IModelKernel model, ReadOnlySpan<float> inputs, Targets targets)
    {
        var core = model.Core;
        int token = core.Enter("ComputeGradients", writes: true);   // a training-mode forward updates BatchNorm's running statistics
        try { return ComputeGradientsCore(model, core, inputs, targets); }
        finally { core.Exit(token); }
    }

    private static float ComputeGradientsCore(IModelKernel model, ModelCore core, ReadOnlySpan<float> inputs, Targets targets)
    {
        int n = Check(core, inputs, targets, bounded: true);
        float divisor = MeanDivisor(core.Info, n);
        Forward(model, core, inputs, n, training: true);
        float loss = LossBackward(core, targets, n, 1f / divisor);
        if (core.Info.HasAccuracy)
            core.TrainCorrect = Correct(core, targets, n);   // the outputs are intact until the next forward pass
        model.Backward(inputs, n, parameterGradients: true, default);
        return loss / divisor;
    }

    /// <summary>The mean loss over any number of samples, without gradients (inference mode).</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    public static float ComputeLoss(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) =>
        (float)Evaluate(model, inputs, Labels(model, labels), "ComputeLoss").Loss;

    /// <summary>The mean loss over any number of samples, without gradients (inference mode).</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values.</param>
    public static float ComputeLoss(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) =>
        (float)Evaluate(model, inputs, Values(model, targets), "ComputeLoss").Loss;

    /// <summary>
    /// Mean loss and accuracy over any number of samples (inference mode), in batches of MaxBatchSize; no allocation.
    /// Accuracy: the arg-max against the label.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    public static Evaluation Evaluate(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) =>
        Evaluate(model, inputs, Labels(model, labels), "Evaluate");

    /// <summary>
    /// Mean loss and accuracy or mean absolute error over any number of samples (inference mode), in batches of MaxBatchSize; no
    /// allocation. The loss is averaged over samples (and over outputs for mean squared error). Accuracy for a single binary
    /// cross-entropy output: logit &gt; 0 against target ≥ 0.5; NaN for a regression (mean squared error), which reports
    /// <see cref="Evaluation.MeanAbsoluteError"/> instead.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values.</param>
    public static Evaluation Evaluate(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets) =>
        Evaluate(model, inputs, Values(model, targets), "Evaluate");

    private static Evaluation Evaluate(IModelKernel model, ReadOnlySpan<float> inputs, Targets targets, string member)
    {
        var core = model.Core;
        int token = core.Enter(member, writes: false);
        try
        {
            var info = core.Info;
            int n = Check(core, inputs, targets, bounded: false);
            double loss = 0, absoluteErrors = 0;
            int correct = 0;
            for (int start = 0; start < n; start += core.MaxBatchSize)
            {
                int m = Math.Min(core.MaxBatchSize, n - start);
                Forward(model, core, inputs.Slice(start * info.InputSize, m * info.InputSize), m, training: false);
                var t = targets.Slice(start, m);
                loss += Loss(core, t, m);
                correct += Correct(core, t, m);
                if (info.IsRegression) absoluteErrors += RegressionMetrics.AbsoluteErrorSum(core.Outputs(m), t.Values);
            }
            return new Evaluation(loss / MeanDivisor(info, n), info.HasAccuracy ? (double)correct / n : double.NaN, n)
            {
                MeanAbsoluteError = info.IsRegression ? absoluteErrors / ((double)n * info.OutputSize) : double.NaN,
            };
        }
        finally { core.Exit(token); }
    }

    /// <summary>Summed loss and correct count of one batch of at most MaxBatchSize samples (what <see cref="IModel.EvaluateBatch"/> calls).</summary>
    public static BatchResult EvaluateBatch(IModelKernel model, in Batch batch)
    {
        var core = model.Core;
        int token = core.Enter("EvaluateBatch", writes: false);
        try
        {
            var t = new Targets(batch.Labels, batch.Targets, core.Info.TargetKind == TargetKind.ClassIndex, core.Info.OutputSize);
            int n = Check(core, batch.Inputs, t, bounded: true);
            Forward(model, core, batch.Inputs, n, training: false);
            double loss = Loss(core, t, n);
            if (core.Info.Loss == Axon.Loss.MeanSquaredError) loss /= core.Info.OutputSize;
            return new BatchResult(loss, Correct(core, t, n))
            {
                AbsoluteErrorSum = core.Info.IsRegression ? RegressionMetrics.AbsoluteErrorSum(core.Outputs(n), t.Values) : double.NaN,
            };
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// Each sample's own loss L_i (inference mode, any number of samples) into <paramref name="losses"/> (<c>[n]</c>), and,
    /// when <paramref name="outputGradient"/> is not empty, ∂L_i/∂outputs_i into it (<c>[n, OutputSize]</c>): the gradient
    /// <c>Backward</c> takes. The mean of <paramref name="losses"/> is what <c>Evaluate</c> reports (for mean squared error,
    /// L_i is already averaged over the outputs). Parameters and gradients do not change; no allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    /// <param name="losses">Receives n per-sample losses.</param>
    /// <param name="outputGradient">Empty, or receives n·OutputSize values of ∂L_i/∂outputs_i.</param>
    public static void ComputeLosses(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> losses, Span<float> outputGradient) =>
        ComputeLosses(model, inputs, Labels(model, labels), losses, outputGradient);

    /// <summary>
    /// Each sample's own loss L_i (inference mode, any number of samples) into <paramref name="losses"/> (<c>[n]</c>), and,
    /// when <paramref name="outputGradient"/> is not empty, ∂L_i/∂outputs_i into it (<c>[n, OutputSize]</c>): the gradient
    /// <c>Backward</c> takes. The mean of <paramref name="losses"/> is what <c>Evaluate</c> reports (for mean squared error,
    /// L_i is already averaged over the outputs). Parameters and gradients do not change; no allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values.</param>
    /// <param name="losses">Receives n per-sample losses.</param>
    /// <param name="outputGradient">Empty, or receives n·OutputSize values of ∂L_i/∂outputs_i.</param>
    public static void ComputeLosses(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> losses, Span<float> outputGradient) =>
        ComputeLosses(model, inputs, Values(model, targets), losses, outputGradient);

    private static void ComputeLosses(IModelKernel model, ReadOnlySpan<float> inputs, Targets targets, Span<float> losses, Span<float> outputGradient)
    {
        var core = model.Core;
        int token = core.Enter("ComputeLosses", writes: false);
        try
        {
            var info = core.Info;
            int n = Check(core, inputs, targets, bounded: false);
            Guard.Length(losses.Length, n, "losses", info.Name);
            if (!outputGradient.IsEmpty) Guard.Length(outputGradient.Length, n * info.OutputSize, "outputGradient", info.Name);
            float scale = 1f / MeanDivisor(info, 1);
            for (int start = 0; start < n; start += core.MaxBatchSize)
            {
                int m = Math.Min(core.MaxBatchSize, n - start);
                Forward(model, core, inputs.Slice(start * info.InputSize, m * info.InputSize), m, training: false);
                var outputs = core.Outputs(m);
                var gradient = core.OutputGradient(m);
                for (int i = 0; i < m; i++)
                {
                    var row = targets.Slice(start + i, 1);
                    losses[start + i] = scale * LossBackwardRow(info, outputs.Slice(i * info.OutputSize, info.OutputSize), row,
                        gradient.Slice(i * info.OutputSize, info.OutputSize), scale);
                }
                if (!outputGradient.IsEmpty) gradient.CopyTo(outputGradient.Slice(start * info.OutputSize, m * info.OutputSize));
            }
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// ∂L_i/∂x_i for every sample i: the gradient of each sample's own loss with respect to its raw input (what attacks use;
    /// not divided by the batch size), in inference mode. Parameters and their gradients do not change. Returns the mean
    /// loss. Any number of samples; no allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="labels">One class index per sample, in [0, OutputSize).</param>
    /// <param name="inputGradient">Receives n·InputSize values.</param>
    public static float InputGradient(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> inputGradient) =>
        InputGradient(model, inputs, Labels(model, labels), inputGradient);

    /// <summary>
    /// ∂L_i/∂x_i for every sample i: the gradient of each sample's own loss with respect to its raw input (what attacks use;
    /// not divided by the batch size), in inference mode. Parameters and their gradients do not change. Returns the mean
    /// loss. Any number of samples; no allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="targets">n·OutputSize target values.</param>
    /// <param name="inputGradient">Receives n·InputSize values.</param>
    public static float InputGradient(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> inputGradient) =>
        InputGradient(model, inputs, Values(model, targets), inputGradient);

    /// <summary>The typed <c>InputGradient</c> on a <see cref="Batch"/> (what <see cref="IModel.InputGradient"/> calls).</summary>
    public static float InputGradient(IModelKernel model, in Batch batch, Span<float> inputGradient) =>
        model.Core.Info.TargetKind == TargetKind.ClassIndex
            ? InputGradient(model, batch.Inputs, batch.Labels, inputGradient)
            : InputGradient(model, batch.Inputs, batch.Targets, inputGradient);

    private static float InputGradient(IModelKernel model, ReadOnlySpan<float> inputs, Targets targets, Span<float> inputGradient)
    {
        var core = model.Core;
        int token = core.Enter("InputGradient", writes: false);
        try
        {
            var info = core.Info;
            int n = Check(core, inputs, targets, bounded: false);
            Guard.Length(inputGradient.Length, n * info.InputSize, "inputGradient", info.Name);
            float sampleScale = 1f / MeanDivisor(info, 1);
            double loss = 0;
            for (int start = 0; start < n; start += core.MaxBatchSize)
            {
                int m = Math.Min(core.MaxBatchSize, n - start);
                var x = inputs.Slice(start * info.InputSize, m * info.InputSize);
                Forward(model, core, x, m, training: false);
                loss += LossBackward(core, targets.Slice(start, m), m, sampleScale);
                model.Backward(x, m, parameterGradients: false, inputGradient.Slice(start * info.InputSize, m * info.InputSize));
            }
            return (float)(loss / MeanDivisor(info, n));
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// Runs the network on one batch (<c>n ≤ MaxBatchSize</c>) and keeps every activation for <c>Backward</c>:
    /// <paramref name="outputs"/> receives <c>[n, OutputSize]</c>, the output layer's values (the logits for a logits loss;
    /// no loss is applied). <paramref name="training"/> selects training mode as <c>TrainStep</c> runs it (dropout masks
    /// drawn, BatchNorm on the batch's statistics, which also updates its running statistics) or inference mode as
    /// <c>Predict</c> runs it. No allocation.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">Row-major inputs, n·InputSize finite values.</param>
    /// <param name="outputs">Receives n·OutputSize values.</param>
    /// <param name="training">Training mode (true) or inference mode (false).</param>
    public static void Forward(IModelKernel model, ReadOnlySpan<float> inputs, Span<float> outputs, bool training)
    {
        var core = model.Core;
        int token = core.Enter("Forward", writes: training);
        try
        {
            var info = core.Info;
            int n = Guard.Rows(inputs.Length, info.InputSize, "inputs", info.Name);
            Guard.Length(outputs.Length, n * info.OutputSize, "outputs", info.Name);
            Guard.Batch(n, core.MaxBatchSize, info.Name);
            Guard.Finite(inputs, "inputs");
            Forward(model, core, inputs, n, training);
            core.Outputs(n).CopyTo(outputs);
            core.ForwardRows = n;
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// Back-propagates <paramref name="outputGradient"/> = ∂L/∂outputs (<c>[n, OutputSize]</c>, for the outputs of the
    /// <c>Forward</c> call made immediately before, on the same <paramref name="inputs"/>) through the network, in the mode
    /// that Forward ran in. With <paramref name="parameterGradients"/>, Gradients is overwritten with ∂L/∂θ as
    /// <c>ComputeGradients</c> does (frozen layers' entries are left as they were); a non-empty
    /// <paramref name="inputGradient"/> (<c>[n, InputSize]</c>) receives ∂L/∂x (0 for id inputs). No scaling is applied:
    /// for a mean over the batch, pass ∂(mean)/∂outputs. Each Forward allows one Backward; any other call in between
    /// (prediction, training, ApplyGradients, loading, re-initialising) throws <see cref="InvalidOperationException"/>.
    /// Parameters written directly through Parameters in between, or layers frozen in between, are not detected.
    /// </summary>
    /// <param name="model">The generated model.</param>
    /// <param name="inputs">The inputs the preceding Forward ran on.</param>
    /// <param name="outputGradient">∂L/∂outputs, n·OutputSize finite values.</param>
    /// <param name="inputGradient">Empty, or receives n·InputSize values of ∂L/∂x.</param>
    /// <param name="parameterGradients">Whether to overwrite Gradients with ∂L/∂θ.</param>
    public static void Backward(IModelKernel model, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, bool parameterGradients)
    {
        var core = model.Core;
        int token = core.Enter("Backward", writes: parameterGradients);
        try
        {
            var info = core.Info;
            int n = core.ForwardRows;
            if (n < 0)
                throw new InvalidOperationException(info.Name + ".Backward needs the activations of a Forward call made immediately before it; none is available (Forward was not called, or another call such as Predict, TrainStep, Evaluate, InputGradient, ApplyGradients or a previous Backward used or invalidated them).");
            if (inputs.Length != n * info.InputSize)
                throw new InvalidOperationException($"{info.Name}.Backward was given {inputs.Length} input values, but the preceding Forward ran on {n} rows ({n * info.InputSize} values); pass the same inputs.");
            Guard.Length(outputGradient.Length, n * info.OutputSize, "outputGradient", info.Name);
            if (!inputGradient.IsEmpty) Guard.Length(inputGradient.Length, n * info.InputSize, "inputGradient", info.Name);
            Guard.Finite(outputGradient, "outputGradient");
            core.ForwardRows = -1;   // one Backward per Forward: a strict contract leaves kernels free to reuse activation buffers
            outputGradient.CopyTo(core.OutputGradient(n));
            model.Backward(inputs, n, parameterGradients, inputGradient);
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// One optimizer step with the current Gradients (from <c>Backward</c> or <c>ComputeGradients</c>): every layer that is
    /// not frozen is updated, exactly as the update inside <c>TrainStep</c>.
    /// </summary>
    /// <param name="model">The generated model.</param>
    public static void ApplyGradients(IModelKernel model)
    {
        var core = model.Core;
        int token = core.Enter("ApplyGradients", writes: true);
        try
        {
            core.ForwardRows = -1;
            core.OptimizerStep();
        }
        finally { core.Exit(token); }
    }

    /// <summary>Re-initialises every parameter from <paramref name="seed"/> and resets the optimizer state.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="seed">Initialisation seed.</param>
    public static void Initialize(IModelKernel model, int seed)
    {
        var core = model.Core;
        int token = core.Enter("Initialize", writes: true);
        try
        {
            model.Initialize(seed);
            core.AdaptersMerged = false;
            core.ForwardRows = -1;
            core.Optimizer.Reset();
        }
        finally { core.Exit(token); }
    }

    /// <summary>Writes the parameters to a safetensors file (PyTorch names and shapes), atomically: a temporary file, flushed, then renamed.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="path">The destination file.</param>
    public static void Save(IModelKernel model, string path)
    {
        var core = model.Core;
        int token = core.Enter("Save", writes: false);
        try
        {
            ThrowIfMerged(core);
            core.Save(path);
        }
        finally { core.Exit(token); }
    }

    /// <summary>Reads parameters from a safetensors file. Every name, shape, dtype and offset is checked first; on any error the model is unchanged.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="path">The file to read.</param>
    public static void Load(IModelKernel model, string path)
    {
        var core = model.Core;
        int token = core.Enter("Load", writes: true);
        try
        {
            ThrowIfMerged(core);
            core.ForwardRows = -1;
            core.Load(path);
        }
        finally { core.Exit(token); }
    }

    /// <summary>
    /// For generated code: the state of a new inference session over <paramref name="model"/>'s weights, with its own
    /// workspace for <paramref name="maxBatchSize"/> samples. Parameters are shared, not copied. Safe to call from several
    /// threads at once, and while the model is inside another call.
    /// </summary>
    public static ModelCore CreateSession(IModelKernel model, int maxBatchSize)
    {
        // No Enter: a session reads only what never changes after construction (the model's info, its parameter arena and
        // optimizer objects, the weights' reader/writer state), and the docs tell each thread to create its own session,
        // which as a guarded call made all but one of several threads starting at once fail as "called concurrently".
        var core = model.Core;
        return (core.Origin ?? core).CreateSession(maxBatchSize);
    }

    /// <summary>
    /// Folds every adapter into its base weight, <c>W += (α/r)·B·A</c>, so inference costs what the plain model does;
    /// outputs are unchanged up to rounding. Undo with <c>UnmergeAdapters</c>.
    /// </summary>
    /// <param name="model">The generated model.</param>
    public static void MergeAdapters(IModelKernel model) => Merge(model, merge: true);

    /// <summary>Takes the adapters back out of the base weights, <c>W -= (α/r)·B·A</c>.</summary>
    /// <param name="model">The generated model.</param>
    public static void UnmergeAdapters(IModelKernel model) => Merge(model, merge: false);

    private static void Merge(IModelKernel model, bool merge)
    {
        var core = model.Core;
        int token = core.Enter(merge ? "MergeAdapters" : "UnmergeAdapters", writes: true);
        try
        {
            if (core.AdaptersMerged == merge)
                throw new InvalidOperationException(core.ModelName + (merge ? "'s adapters are already merged." : "'s adapters are not merged."));
            core.ForwardRows = -1;
            model.MergeAdapters(merge ? 1f : -1f);
            core.AdaptersMerged = merge;
        }
        finally { core.Exit(token); }
    }

    /// <summary>Writes only the adapters (PEFT's names, <c>name.lora_A.weight</c>, <c>name.lora_B.weight</c>) to a safetensors file, atomically.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="path">The destination file.</param>
    /// <param name="tensors">The adapters' tensors.</param>
    public static void SaveAdapters(IModelKernel model, string path, TensorSpec[] tensors)
    {
        var core = model.Core;
        int token = core.Enter("SaveAdapters", writes: false);
        try
        {
            ThrowIfMerged(core);
            core.Save(path, tensors);
        }
        finally { core.Exit(token); }
    }

    /// <summary>Reads only the adapters; every name, shape and value is checked first, and on any error nothing changes.</summary>
    /// <param name="model">The generated model.</param>
    /// <param name="path">The file to read.</param>
    /// <param name="tensors">The adapters' tensors.</param>
    public static void LoadAdapters(IModelKernel model, string path, TensorSpec[] tensors)
    {
        var core = model.Core;
        int token = core.Enter("LoadAdapters", writes: true);
        try
        {
            ThrowIfMerged(core);
            core.ForwardRows = -1;
            core.Load(path, tensors);
        }
        finally { core.Exit(token); }
    }

    /// <summary>For generated code: throws if LoRA adapters are merged (saving or loading would mix base weights and adapters).</summary>
    public static void ThrowIfMerged(ModelCore core)
    {
        if (core.AdaptersMerged)
            throw new InvalidOperationException(core.ModelName + "'s adapters are merged into its weights; call UnmergeAdapters() before saving or loading, so the file holds base weights and adapters apart.");
    }

    // The forward pass every member runs: activations kept for Backward are invalidated first.
    private static void Forward(IModelKernel model, ModelCore core, ReadOnlySpan<float> x, int n, bool training)
    {
        core.ForwardRows = -1;
        model.Forward(x, n, training);
    }

    private static Targets Labels(IModelKernel model, ReadOnlySpan<int> labels) => new(labels, default, true, model.Core.Info.OutputSize);

    private static Targets Values(IModelKernel model, ReadOnlySpan<float> targets) => new(default, targets, false, model.Core.Info.OutputSize);

    // Mean squared error averages over outputs too; the other losses over samples.
    private static float MeanDivisor(ModelInfo info, int n) => info.Loss == Axon.Loss.MeanSquaredError ? (float)n * info.OutputSize : n;

    // Validation: everything is checked before any state changes.
    private static int Check(ModelCore core, ReadOnlySpan<float> inputs, Targets targets, bool bounded)
    {
        var info = core.Info;
        int n = Guard.Rows(inputs.Length, info.InputSize, "inputs", info.Name);
        Guard.Length(targets.Length, n * targets.Width, targets.Name, info.Name);
        if (bounded) Guard.Batch(n, core.MaxBatchSize, info.Name);
        Guard.Finite(inputs, "inputs", core.Pool);
        if (targets.ClassIndices) Guard.Labels(targets.Labels, info.OutputSize, info.Name);
        else if (info.Loss == Axon.Loss.BinaryCrossEntropy) Guard.Probabilities(targets.Values, "targets");
        else Guard.Finite(targets.Values, "targets");
        return n;
    }

    // Summed loss of n samples; writes gradScale·∂L/∂output into the output layer's gradient buffer.
    private static float LossBackward(ModelCore core, Targets targets, int n, float gradScale) =>
        core.Info.Loss == Axon.Loss.SoftmaxCrossEntropy
            ? SoftmaxCrossEntropy.ForwardBackwardOnThreads(core.Outputs(n), targets.Labels, core.OutputGradient(n), n, core.Info.OutputSize, gradScale, core.Pool)
            : LossBackwardRows(core.Info, core.Outputs(n), targets, core.OutputGradient(n), n, gradScale);

    private static float LossBackwardRow(ModelInfo info, Span<float> outputs, Targets targets, Span<float> gradient, float gradScale) =>
        LossBackwardRows(info, outputs, targets, gradient, 1, gradScale);

    private static float LossBackwardRows(ModelInfo info, Span<float> outputs, Targets targets, Span<float> gradient, int n, float gradScale) => info.Loss switch
    {
        Axon.Loss.SoftmaxCrossEntropy => SoftmaxCrossEntropy.ForwardBackward(outputs, targets.Labels, gradient, n, info.OutputSize, gradScale),
        Axon.Loss.BinaryCrossEntropy => BinaryCrossEntropy.ForwardBackward(outputs, targets.Values, gradient, n * info.OutputSize, gradScale),
        _ => MeanSquaredError.ForwardBackward(outputs, targets.Values, gradient, n * info.OutputSize, gradScale),
    };

    private static float Loss(ModelCore core, Targets targets, int n) => core.Info.Loss switch
    {
        Axon.Loss.SoftmaxCrossEntropy => SoftmaxCrossEntropy.Loss(core.Outputs(n), targets.Labels, n, core.Info.OutputSize),
        Axon.Loss.BinaryCrossEntropy => BinaryCrossEntropy.Loss(core.Outputs(n), targets.Values, n * core.Info.OutputSize),
        _ => MeanSquaredError.Loss(core.Outputs(n), targets.Values, n * core.Info.OutputSize),
    };

    private static int Correct(ModelCore core, Targets targets, int n)
    {
        var info = core.Info;
        if (targets.ClassIndices) return Accuracy.CountArgMaxCorrect(core.Outputs(n), targets.Labels, n, info.OutputSize);
        if (!info.HasAccuracy) return 0;
        return Accuracy.CountBinaryCorrect(core.Outputs(n), targets.Values, n, 0f);
    }
}
