using System;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Axon.Kernels;
using Axon.Losses;
using Axon.Optimizers;

namespace Axon.Benchmarks;

/// <summary>
/// <c>breakdown --model NAME --batch N [--rounds 7] [--data fashion|random] [--data-dir DIR]</c>: where
/// one training step's time goes, on one thread. It replays the generated TrainStep of the model
/// phase by phase with the same runtime kernels, shapes and data (Dense.Forward with the bias and
/// ReLU fused into the product, softmax cross-entropy fused with its gradient, the activation
/// derivative fused with the bias gradient, the weight- and input-gradient products, Adam), timing
/// each phase, and interleaves rounds of it with rounds of the model's real TrainStep. "other" is
/// TrainStep's time minus the phases' sum: input checks, the accuracy count, dispatch. Prints one
/// JSON line: per phase µs per step, share of the step, and for the products GFLOP/s and the
/// fraction of the FMA peak measured in the same run.
/// </summary>
internal static class Breakdown
{
    public const string Usage = "usage: breakdown --model mlp-784-128-10|mlp-784-256-256-10 --batch N [--rounds 7] [--data fashion|random] [--data-dir DIR]";

    private static readonly string[] PhaseNames = ["forward_gemm", "loss", "activation_backward", "backward_gemm", "optimizer"];

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null, dataDir = null;
        string dataKind = "fashion";
        int batch = 32, rounds = 7;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            string value = args[i + 1];
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = Throughput.ParseInt(value, args[i]); break;
                case "--rounds": rounds = Throughput.ParseInt(value, args[i]); break;
                case "--data": dataKind = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (model is null) throw new ArgumentException("--model is required");
        if (batch < 1 || batch > 128) throw new ArgumentException("--batch must be in 1..128");
        if (rounds < 1) throw new ArgumentException("--rounds must be positive");

        var data = BenchData.Create(dataKind, dataDir);
        var net = BenchModels.Create(model, 1);
        var replay = new Replay(BenchModels.Sizes(model), batch);
        int step = 0;
        // Warm-up: tiering settles on both, and both reach the state that long training reaches
        // (Adam's moments for the always-zero border pixels decay for ~1,000 steps).
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.5 || step < 1500)
        {
            var b = data.GetBatch(step++, batch);
            net.TrainStep(b);
            replay.Step(b.Inputs, b.Labels, null);
        }

        var phaseTicks = new long[PhaseNames.Length];
        long replaySteps = 0;
        var trainUs = new double[rounds];
        var replayUs = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            // ~0.25 s of each per round.
            long start = Stopwatch.GetTimestamp(), end = start + Stopwatch.Frequency / 4, now;
            int steps = 0;
            do { net.TrainStep(data.GetBatch(step++, batch)); steps++; now = Stopwatch.GetTimestamp(); } while (now < end);
            trainUs[r] = (now - start) * 1e6 / Stopwatch.Frequency / steps;

            var ticks = new long[PhaseNames.Length];
            start = Stopwatch.GetTimestamp(); end = start + Stopwatch.Frequency / 4;
            steps = 0;
            do { var b = data.GetBatch(step++, batch); replay.Step(b.Inputs, b.Labels, ticks); steps++; now = Stopwatch.GetTimestamp(); } while (now < end);
            replayUs[r] = (now - start) * 1e6 / Stopwatch.Frequency / steps;
            for (int p = 0; p < ticks.Length; p++) phaseTicks[p] += ticks[p];
            replaySteps += steps;
        }
        double peak = GemmPeak.SingleThreadPeak(0.5);
        double train = Throughput.Median(trainUs), replayed = Throughput.Median(replayUs);

        var phaseUs = new double[PhaseNames.Length];
        double sum = 0;
        for (int p = 0; p < phaseUs.Length; p++)
        {
            phaseUs[p] = phaseTicks[p] * 1e6 / Stopwatch.Frequency / replaySteps;
            sum += phaseUs[p];
        }
        var inv = CultureInfo.InvariantCulture;
        var json = new StringBuilder("{\"benchmark\":\"breakdown\",");
        json.Append(inv, $"\"model\":\"{model}\",\"batch\":{batch},\"threads\":1,");
        json.Append(inv, $"\"us_per_step_trainstep\":{train:F2},\"us_per_step_replay\":{replayed:F2},");
        json.Append(inv, $"\"train_samples_per_s\":{batch * 1e6 / train:F0},");
        double stepFlops = BenchModels.FlopsPerTrainingSample(model) * batch;
        json.Append(inv, $"\"peak_gflops\":{peak / 1e9:F1},\"fraction_of_peak\":{stepFlops / (train * 1e-6) / peak:F3},\"isa\":\"{GemmPeak.Isa}\",");
        json.Append("\"phases\":{");
        for (int p = 0; p < phaseUs.Length; p++)
        {
            json.Append(inv, $"\"{PhaseNames[p]}\":{{\"us\":{phaseUs[p]:F2},\"share\":{phaseUs[p] / train:F3}");
            double flops = p == 0 ? replay.ForwardFlops : p == 3 ? replay.BackwardFlops : 0;
            if (flops > 0)
                json.Append(inv, $",\"gflops\":{flops / (phaseUs[p] * 1e-6) / 1e9:F1},\"fraction_of_peak\":{flops / (phaseUs[p] * 1e-6) / peak:F3}");
            json.Append("},");
        }
        double other = Math.Max(0, train - sum);
        json.Append(inv, $"\"other\":{{\"us\":{other:F2},\"share\":{other / train:F3}}}");
        json.Append("},\"data\":").Append(Throughput.JsonString(data.Description)).Append('}');
        Console.WriteLine(json.ToString());
        return 0;
    }

    /// <summary>
    /// A single-threaded replay of the generated TrainStep of an MLP with ReLU hidden layers,
    /// softmax cross-entropy and Adam (lr 1e-3), calling the runtime kernels the generated code
    /// calls, with PyTorch's default initialisation; parameters laid out weight then bias per layer.
    /// </summary>
    private sealed class Replay
    {
        private readonly int[] _sizes;
        private readonly int _batch;
        private readonly float[] _parameters, _gradients, _scratch;
        private readonly float[][] _outputs, _outputGrads;
        private readonly int[] _weightOffset, _biasOffset;
        private readonly Adam _adam = new(1e-3f);

        public Replay(int[] sizes, int batch)
        {
            _sizes = sizes;
            _batch = batch;
            int layers = sizes.Length - 1, count = 0;
            _weightOffset = new int[layers];
            _biasOffset = new int[layers];
            _outputs = new float[layers][];
            _outputGrads = new float[layers][];
            int widest = 0;
            for (int l = 0; l < layers; l++)
            {
                _weightOffset[l] = count; count += sizes[l + 1] * sizes[l];
                _biasOffset[l] = count; count += sizes[l + 1];
                _outputs[l] = new float[batch * sizes[l + 1]];
                _outputGrads[l] = new float[batch * sizes[l + 1]];
                widest = Math.Max(widest, sizes[l + 1]);
                ForwardFlops += 2.0 * batch * sizes[l] * sizes[l + 1];
                BackwardFlops += 2.0 * batch * sizes[l] * sizes[l + 1] * (l == 0 ? 1 : 2);
            }
            _parameters = new float[count];
            _gradients = new float[count];
            _scratch = new float[batch * widest];
            var rng = new Rng(42);
            for (int l = 0; l < layers; l++)
            {
                float bound = 1f / MathF.Sqrt(sizes[l]);
                for (int i = _weightOffset[l]; i < _biasOffset[l] + sizes[l + 1]; i++)
                    _parameters[i] = (2f * rng.NextSingle() - 1f) * bound;
            }
            _adam.Bind(count);
        }

        public double ForwardFlops { get; }
        public double BackwardFlops { get; }

        /// <summary>One step; with <paramref name="ticks"/>, adds each phase's Stopwatch ticks to it.</summary>
        public void Step(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, long[]? ticks)
        {
            int n = _batch, layers = _sizes.Length - 1;
            var p = _parameters.AsSpan();
            var g = _gradients.AsSpan();
            long t0 = Stopwatch.GetTimestamp();
            for (int l = 0; l < layers; l++)
            {
                var input = l == 0 ? x : _outputs[l - 1];
                int i = _sizes[l], o = _sizes[l + 1];
                if (l + 1 < layers)
                    Dense.Forward(input, p.Slice(_weightOffset[l], o * i), p.Slice(_biasOffset[l], o), _outputs[l], _outputs[l], n, i, o, default(ReluActivation));
                else
                    Dense.Forward(input, p.Slice(_weightOffset[l], o * i), p.Slice(_biasOffset[l], o), _outputs[l], _outputs[l], n, i, o, default(IdentityActivation));
            }
            long t1 = Stopwatch.GetTimestamp();
            int classes = _sizes[^1];
            SoftmaxCrossEntropy.ForwardBackward(_outputs[layers - 1], labels, _outputGrads[layers - 1], n, classes, 1f / n);
            long t2 = Stopwatch.GetTimestamp();
            long activation = 0, gemm = 0;
            for (int l = layers - 1; l >= 0; l--)
            {
                int i = _sizes[l], o = _sizes[l + 1];
                long a0 = Stopwatch.GetTimestamp();
                // Dense.Backward's first pass: dZ = dY ⊙ f'(z), summed into ∂L/∂b row by row.
                var bias = g.Slice(_biasOffset[l], o);
                bias.Clear();
                var dz = _outputGrads[l].AsSpan(0, n * o);
                for (int r = 0; r < n; r++)
                {
                    var row = dz.Slice(r * o, o);
                    if (l + 1 < layers) default(ReluActivation).Backward(default, _outputs[l].AsSpan(r * o, o), row);
                    TensorPrimitives.Add(bias, row, bias);
                }
                long a1 = Stopwatch.GetTimestamp();
                var input = l == 0 ? x : _outputs[l - 1];
                Dense.Backward(input, p.Slice(_weightOffset[l], o * i), default, _outputs[l], dz, g.Slice(_weightOffset[l], o * i), default,
                    l == 0 ? default : _outputGrads[l - 1], n, i, o, default(IdentityActivation),
                    gradIsPreActivation: true, computeParameterGradients: true, computeInputGradient: l > 0, pool: null, scratch: _scratch);
                long a2 = Stopwatch.GetTimestamp();
                activation += a1 - a0;
                gemm += a2 - a1;
            }
            long t3 = Stopwatch.GetTimestamp();
            _adam.BeginStep();
            for (int l = 0; l < layers; l++)
                _adam.Update(p, g, _weightOffset[l], _sizes[l + 1] * (_sizes[l] + 1), 1f);
            long t4 = Stopwatch.GetTimestamp();
            if (ticks is null) return;
            ticks[0] += t1 - t0;
            ticks[1] += t2 - t1;
            ticks[2] += activation;
            ticks[3] += gemm;
            ticks[4] += t4 - t3;
        }
    }
}
