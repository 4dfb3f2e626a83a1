using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Axon.Benchmarks;

/// <summary>lstm-t30-f4-h64: an LSTM over 30 steps of 4 features, hidden 64, one Dense head, MSE (issue 15 item 7).</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 128)]
[Input(30, 4)]
[Adam(LearningRate = 1e-3f)]
public partial class LstmBench
{
    [Lstm(64)] public partial Layer Recurrent { get; }
    [Dense(1)] public partial Layer Head { get; }
}

/// <summary>gru-t30-f4-h64: the same with a GRU.</summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 128)]
[Input(30, 4)]
[Adam(LearningRate = 1e-3f)]
public partial class GruBench
{
    [Gru(64)] public partial Layer Recurrent { get; }
    [Dense(1)] public partial Layer Head { get; }
}

/// <summary>
/// conv1d-t30-f4-c32: Conv1D (32 filters of width 5, same padding, ReLU) over 30 steps of 4 features, the mean over
/// steps, one Dense head, MSE: the convolutional sequence model, on the same pool as the recurrent ones.
/// </summary>
[Model(Loss = Loss.MeanSquaredError, MaxBatchSize = 128)]
[Input(30, 4)]
[Adam(LearningRate = 1e-3f)]
public partial class Conv1DBench
{
    [Conv1D(32, 5, Activation.Relu, Padding = Padding.Same)] public partial Layer Conv { get; }
    [GlobalAveragePool1D] public partial Layer Mean { get; }
    [Dense(1)] public partial Layer Head { get; }
}

/// <summary>
/// The sequence pool of the recurrent benchmark, as <c>sequence_pool</c> in tools/pytorch/peer_benchmark.py: feature
/// <c>f</c> of the series is <c>v_f(k) = sin(0.07 (f + 1) k + f)</c> (computed in double, stored as float); sample
/// <c>s</c> is the window <c>k = s … s + T − 1</c>, its target <c>v_0(s + T)</c>. Batch <c>k</c> is samples
/// <c>[k·B, (k+1)·B)</c>, wrapping around.
/// </summary>
internal sealed class SequenceData
{
    public const int Samples = 4096;

    public SequenceData(int steps, int features)
    {
        Steps = steps;
        Features = features;
        Inputs = new float[Samples * steps * features];
        Targets = new float[Samples];
        double V(int f, int k) => Math.Sin(0.07 * (f + 1) * k + f);
        for (int s = 0; s < Samples; s++)
        {
            for (int t = 0; t < steps; t++)
                for (int f = 0; f < features; f++)
                    Inputs[(s * steps + t) * features + f] = (float)V(f, s + t);
            Targets[s] = (float)V(0, s + steps);
        }
    }

    public int Steps { get; }
    public int Features { get; }
    public float[] Inputs { get; }
    public float[] Targets { get; }

    public Batch GetBatch(int index, int batch)
    {
        int start = index % (Samples / batch) * batch, size = Steps * Features;
        return new Batch(Inputs.AsSpan(start * size, batch * size), default, Targets.AsSpan(start, batch), batch);
    }
}

/// <summary>
/// <c>recurrent --model lstm-t30-f4-h64|gru-t30-f4-h64 --batch N</c>: training samples/s (median of timed loops
/// after a warm-up) and one-sequence Predict latency (median of individually timed calls, µs), one JSON line;
/// mirrored by <c>tools/pytorch/peer_benchmark.py --model lstm-t30-f4-h64</c>, run side by side by
/// tools/bench-recurrent.sh.
/// </summary>
internal static class RecurrentThroughput
{
    public const string Usage = "usage: recurrent --model lstm-t30-f4-h64|gru-t30-f4-h64|conv1d-t30-f4-c32 --batch N [--threads 1] [--seconds 2] [--repetitions 5]";

    private static IModel Create(string name, int threads) => name switch
    {
        "lstm-t30-f4-h64" => new LstmBench { Threads = threads },
        "gru-t30-f4-h64" => new GruBench { Threads = threads },
        "conv1d-t30-f4-c32" => new Conv1DBench { Threads = threads },
        _ => throw new ArgumentException($"unknown model '{name}'; expected lstm-t30-f4-h64, gru-t30-f4-h64 or conv1d-t30-f4-c32"),
    };

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null;
        int batch = 32, threads = 1, repetitions = 5;
        double seconds = 2.0;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = Throughput.ParseInt(value, args[i]); break;
                case "--threads": threads = Throughput.ParseInt(value, args[i]); break;
                case "--repetitions": repetitions = Throughput.ParseInt(value, args[i]); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
            i++;
        }
        if (model is null) throw new ArgumentException("--model is required");
        var net = Create(model, threads);
        if (batch < 1 || batch > net.MaxBatchSize) throw new ArgumentException($"--batch must be in 1..{net.MaxBatchSize}");
        if (repetitions < 1 || seconds <= 0) throw new ArgumentException("--repetitions and --seconds must be positive");
        var data = new SequenceData(30, 4);

        int step = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0 || step < 100)
            net.TrainStep(data.GetBatch(step++, batch));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var rates = new double[repetitions];
        double leastAllocatedPerStep = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp(), deadline = start + (long)(seconds * Stopwatch.Frequency), now;
            int steps = 0;
            do
            {
                net.TrainStep(data.GetBatch(step++, batch));
                steps++;
                now = Stopwatch.GetTimestamp();
            }
            while (now < deadline);
            leastAllocatedPerStep = Math.Min(leastAllocatedPerStep, (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / steps);
            rates[r] = (double)steps * batch * Stopwatch.Frequency / (now - start);
        }

        int size = net.InputSize;
        var output = new float[net.OutputSize];
        for (int i = 0; i < 500; i++) net.Predict(data.Inputs.AsSpan(i % 256 * size, size), output);
        var times = new List<double>(20000);
        long budget = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        for (int i = 0; i < 20000 && (i < 500 || Stopwatch.GetTimestamp() < budget); i++)
        {
            var x = data.Inputs.AsSpan(i % 256 * size, size);
            long t0 = Stopwatch.GetTimestamp();
            net.Predict(x, output);
            times.Add((Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency);
        }

        var json = new StringBuilder();
        json.Append('{');
        json.Append("\"model\":\"").Append(model).Append("\",");
        json.Append("\"batch\":").Append(batch.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"threads\":").Append(threads.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"train_samples_per_s\":").Append(Throughput.Median(rates).ToString("F1", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"predict_us_b1\":").Append(Throughput.Median(times.ToArray()).ToString("F2", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"allocated_bytes_per_step\":").Append(leastAllocatedPerStep.ToString("0.###", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"isa\":\"").Append(GemmPeak.Isa).Append("\",");
        json.Append("\"engine\":\"axon\",");
        json.Append("\"data\":\"sines (4096 windows of 30 steps x 4 features)\"");
        json.Append('}');
        Console.WriteLine(json.ToString());
        return 0;
    }
}
