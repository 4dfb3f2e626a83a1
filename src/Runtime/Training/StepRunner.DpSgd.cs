using System;
using System.Numerics.Tensors;
using Axon.Privacy;

namespace Axon.Training;

/// <summary>The DP-SGD step (<see cref="FitOptions.DifferentialPrivacy"/>): per-sample gradients, clipped, summed, noised.</summary>
internal sealed partial class StepRunner
{
    private const long DpNoiseSeedSalt = 0x6A09E667F3BCC909L;

    private readonly DpSgdState? _dp;

    /// <summary>Buffers and settings of the DP-SGD step, allocated once per fit.</summary>
    private sealed class DpSgdState(DpSgdOptions options, int parameterLength, int expectedBatchSize, long seed, bool ghost, int maxBatch, int outputs)
    {
        public readonly float[] Outputs = new float[ghost ? maxBatch * outputs : 0];
        public readonly float[] OutputGradient = new float[ghost ? maxBatch * outputs : 0];
        /// <summary>Whether per-sample norms come from <see cref="Kernels.GhostNorms"/> (every layer that trains is a Dense layer).</summary>
        public readonly bool Ghost = ghost;
        public readonly float[] Squares = new float[ghost ? maxBatch : 0];
        public readonly float[] Factors = new float[ghost ? maxBatch : 0];
        public readonly float Clip = options.MaxGradientNorm;
        public readonly float NoiseStd = options.NoiseMultiplier * options.MaxGradientNorm;
        public readonly float InverseBatch = 1f / expectedBatchSize;
        public readonly float[] Sum = new float[parameterLength];
        public Rng Noise = new(seed ^ DpNoiseSeedSalt);
    }

    /// <summary>
    /// One DP-SGD step on a Poisson-sampled batch: <see cref="GhostStep"/> where every trainable layer is a Dense layer and the batch fits
    /// the model's workspace; otherwise, for each sample a training-mode <see cref="IModel.Forward"/> and
    /// <see cref="IModel.Backward"/> of that sample alone, its gradient over the layers that train clipped to norm C and added to the
    /// sum; then <c>(sum + N(0, σ²C²))/B</c> goes to the optimizer. An empty batch still takes a (pure-noise) step, as Opacus does.
    /// </summary>
    private bool DpStep(in Batch batch, int step, int steps, out float loss, out int correct)
    {
        var dp = _dp!;
        if (dp.Ghost && batch.Count > 0 && batch.Count <= _model.MaxBatchSize) return GhostStep(in batch, step, steps, out loss, out correct);
        int n = batch.Count, f = _model.InputSize, k = _model.OutputSize, t = _model.TargetKind == TargetKind.ClassIndex ? 0 : k;
        var sum = dp.Sum.AsSpan();
        SaveExtra();
        foreach (var layer in _trainable)
            if (!layer.IsFrozen) sum.Slice(layer.ParameterOffset, layer.ParameterCount).Clear();
        double lossSum = 0;
        correct = _model.HasAccuracy ? 0 : -1;
        var outputs = _outputs.AsSpan(0, k);
        var gradient = _outputGradient.AsSpan(0, k);
        for (int i = 0; i < n; i++)
        {
            var one = new Batch(batch.Inputs.Slice(i * f, f),
                t == 0 ? batch.Labels.Slice(i, 1) : default, t == 0 ? default : batch.Targets.Slice(i * t, t), 1);
            _model.Forward(one.Inputs, outputs, training: true);
            float l = LossAndGradient(one, outputs, gradient, 1, k);
            if (correct >= 0) correct += Math.Max(0, Correct(one, outputs, 1, k));
            if (!float.IsFinite(l)) { loss = l; return Refuse(step, steps, $"the loss of sample {i} of the batch is {Text(l)}"); }
            lossSum += l;
            _model.Backward(one.Inputs, gradient, default, parameterGradients: true);
            var g = _model.Gradients;
            double squares = 0;
            foreach (var layer in _trainable)
                if (!layer.IsFrozen) squares += TensorPrimitives.SumOfSquares(g.Slice(layer.ParameterOffset, layer.ParameterCount));
            if (!double.IsFinite(squares)) { loss = l; return Refuse(step, steps, $"the gradient of sample {i} of the batch is not finite"); }
            // Opacus's clip factor: min(1, C/(‖g_i‖ + 1e-6)).
            float factor = (float)Math.Min(1.0, dp.Clip / (Math.Sqrt(squares) + 1e-6));
            foreach (var layer in _trainable)
                if (!layer.IsFrozen)
                {
                    var s = sum.Slice(layer.ParameterOffset, layer.ParameterCount);
                    TensorPrimitives.MultiplyAdd(g.Slice(layer.ParameterOffset, layer.ParameterCount), factor, s, s);
                }
        }
        loss = n == 0 ? 0f : (float)(lossSum / n);
        var gradients = Writable(_model.Gradients);
        foreach (var layer in _trainable)
            if (!layer.IsFrozen) sum.Slice(layer.ParameterOffset, layer.ParameterCount).CopyTo(gradients.Slice(layer.ParameterOffset, layer.ParameterCount));
        NoiseAndApply(dp, gradients);
        return true;
    }

    /// <summary>
    /// The DP-SGD step for models whose trainable layers are all Dense layers applied once per sample: one training-mode forward
    /// pass of the batch, a backward pass that only collects each sample's gradient norm (<see cref="Kernels.GhostNorms"/>:
    /// <c>‖x_i‖²·‖δ_i‖² + ‖δ_i‖²</c> per layer, no weight-gradient product), then one ordinary backward pass of the same activations
    /// with each sample's output-gradient row scaled by its clip factor, which yields <c>Σ_i min(1, C/‖g_i‖)·g_i</c> because the
    /// backward pass is linear in the output gradient. No per-sample gradient is ever formed.
    /// </summary>
    private bool GhostStep(in Batch batch, int step, int steps, out float loss, out int correct)
    {
        var dp = _dp!;
        var kernel = (Compiled.IModelKernel)_model;
        int n = batch.Count, k = _model.OutputSize;
        var outputs = dp.Outputs.AsSpan(0, n * k);
        var gradient = dp.OutputGradient.AsSpan(0, n * k);
        SaveExtra();
        _model.Forward(batch.Inputs, outputs, training: true);
        loss = LossAndGradient(batch, outputs, gradient, n, k);
        correct = Correct(batch, outputs, n, k);
        if (!float.IsFinite(loss)) return Refuse(step, steps, $"the loss is {Text(loss)}");
        if (Guard.IndexOfNonFinite(gradient) >= 0) return Refuse(step, steps, "the gradient of the loss with respect to the outputs is not finite");
        // The loss gradient is of the batch mean; n times it is each sample's own.
        var core = kernel.Core;
        TensorPrimitives.Multiply(gradient, (float)n, core.OutputGradient(n));
        Kernels.GhostNorms.Begin(dp.Squares, n, skipWeightGradients: true);
        bool perSample;
        try { kernel.Backward(batch.Inputs, n, parameterGradients: true, default); }
        finally { perSample = Kernels.GhostNorms.End(); }
        if (!perSample) throw new InvalidOperationException($"{_model.Name}: a Dense layer ran on other rows than one per sample during DP-SGD's norm pass.");
        for (int i = 0; i < n; i++)
        {
            float squares = dp.Squares[i];
            if (!float.IsFinite(squares)) return Refuse(step, steps, $"the gradient of sample {i} of the batch is not finite");
            // Opacus's clip factor: min(1, C/(‖g_i‖ + 1e-6)).
            dp.Factors[i] = (float)Math.Min(1.0, dp.Clip / (Math.Sqrt(squares) + 1e-6));
        }
        // The first pass turned the output-gradient buffer into dZ in place; write the scaled rows afresh.
        var scaled = core.OutputGradient(n);
        for (int i = 0; i < n; i++)
            TensorPrimitives.Multiply(gradient.Slice(i * k, k), n * dp.Factors[i], scaled.Slice(i * k, k));
        kernel.Backward(batch.Inputs, n, parameterGradients: true, default);
        core.ForwardRows = -1;   // as the public Backward does: these activations are used up
        NoiseAndApply(dp, Writable(_model.Gradients));
        return true;
    }

    /// <summary><c>g ← (g + N(0, σ²C²))/B</c> on every layer that trains, then the optimizer step.</summary>
    private void NoiseAndApply(DpSgdState dp, Span<float> gradients)
    {
        foreach (var layer in _trainable)
        {
            if (layer.IsFrozen) continue;
            var d = gradients.Slice(layer.ParameterOffset, layer.ParameterCount);
            if (dp.NoiseStd > 0f)
                for (int j = 0; j < d.Length; j++) d[j] += dp.NoiseStd * dp.Noise.NextGaussian();
            TensorPrimitives.Multiply(d, dp.InverseBatch, d);
        }
        _model.ApplyGradients();
    }

    /// <summary>
    /// Whether DP-SGD can take per-sample norms from <see cref="Kernels.GhostNorms"/>: a generated model whose layers with parameters
    /// all collect them (<see cref="Layer.CollectsGhostNorms"/>: Dense) with one output row per sample, and whose other layers'
    /// backward passes leave the activations as they are (<see cref="Layer.BackwardIsRepeatable"/>: inputs, dropout, flatten,
    /// reshape), so two backward passes of one forward pass are valid. The flags come from the generator's layer kinds. Otherwise the step runs one
    /// forward and backward pass per sample.
    /// </summary>
    private static bool GhostNormsApply(IModel model)
    {
        if (model is not Compiled.IModelKernel) return false;
        foreach (var layer in model.Layers)
        {
            if (layer.CollectsGhostNorms) { if (layer.OutputShape.Length != 1) return false; }
            else if (layer.ParameterCount > 0 || !layer.BackwardIsRepeatable) return false;
        }
        return true;
    }
}
