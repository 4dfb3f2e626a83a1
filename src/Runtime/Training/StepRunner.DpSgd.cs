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
    private sealed class DpSgdState(DpSgdOptions options, int parameterLength, int expectedBatchSize, long seed)
    {
        public readonly float Clip = options.MaxGradientNorm;
        public readonly float NoiseStd = options.NoiseMultiplier * options.MaxGradientNorm;
        public readonly float InverseBatch = 1f / expectedBatchSize;
        public readonly float[] Sum = new float[parameterLength];
        public Rng Noise = new(seed ^ DpNoiseSeedSalt);
    }

    /// <summary>
    /// One DP-SGD step on a Poisson-sampled batch: for each sample a training-mode <see cref="IModel.Forward"/> and
    /// <see cref="IModel.Backward"/> of that sample alone, its gradient over the layers that train clipped to norm C and added to the
    /// sum; then <c>(sum + N(0, σ²C²))/B</c> goes to the optimizer. An empty batch still takes a (pure-noise) step, as Opacus does.
    /// </summary>
    private bool DpStep(in Batch batch, int step, int steps, out float loss, out int correct)
    {
        var dp = _dp!;
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
        {
            if (layer.IsFrozen) continue;
            var s = sum.Slice(layer.ParameterOffset, layer.ParameterCount);
            var d = gradients.Slice(layer.ParameterOffset, layer.ParameterCount);
            if (dp.NoiseStd > 0f)
                for (int j = 0; j < s.Length; j++) s[j] += dp.NoiseStd * dp.Noise.NextGaussian();
            TensorPrimitives.Multiply(s, dp.InverseBatch, d);
        }
        _model.ApplyGradients();
        return true;
    }
}
