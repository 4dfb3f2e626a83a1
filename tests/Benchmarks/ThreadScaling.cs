using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Axon.Kernels;

namespace Axon.Benchmarks;

/// <summary>
/// <c>scaling --model NAME --batch N [--threads 2] [--rounds 9]</c>: training steps on 1 and on T
/// threads, interleaved round by round in one process (the same real Fashion-MNIST pool, BenchData; fresh batches each step), so that
/// the host's slow drifts (this machine's second core is shared with other tenants) hit both alike.
/// Prints one JSON line with the median µs per step of each and their ratio.
/// </summary>
internal static class ThreadScaling
{
    public const string Usage = "usage: scaling --model mlp-784-128-10|mlp-784-256-256-10|cnn --batch N [--threads 2] [--rounds 9] [--data fashion|random] [--data-dir DIR]";

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null, dataDir = null;
        string dataKind = "fashion";
        int batch = 128, threads = 2, rounds = 9;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            string value = args[i + 1];
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = Throughput.ParseInt(value, args[i]); break;
                case "--threads": threads = Throughput.ParseInt(value, args[i]); break;
                case "--rounds": rounds = Throughput.ParseInt(value, args[i]); break;
                case "--data": dataKind = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (model is null) throw new ArgumentException("--model is required");
        if (batch < 1 || batch > 128) throw new ArgumentException("--batch must be in 1..128");
        if (threads < 2 || rounds < 1) throw new ArgumentException("--threads must be at least 2 and --rounds positive");

        var one = BenchModels.Create(model, 1);
        var many = BenchModels.Create(model, threads);
        var data = BenchData.Create(dataKind, dataDir);
        int step = 0;
        // Warm-up: tiering settles on both models.
        for (int i = 0; i < 300; i++) { one.TrainStep(data.GetBatch(step++, batch)); many.TrainStep(data.GetBatch(step++, batch)); }

        var oneUs = new double[rounds];
        var manyUs = new double[rounds];
        var peakRatio = new double[rounds];
        var pool = WorkerPool.Get(threads);
        for (int r = 0; r < rounds; r++)
        {
            oneUs[r] = Round(one, data, batch, ref step);
            manyUs[r] = Round(many, data, batch, ref step);
            // The host's ceiling in the same round: what the FMA loop gains on all threads over one. A step's
            // speed-up is read against it (a 2-vCPU machine whose second vCPU is busy elsewhere gives ~1.4x here).
            peakRatio[r] = GemmPeak.AllThreadsPeak(pool, 0.05) / GemmPeak.SingleThreadPeak(0.05);
        }
        double a = Throughput.Median(oneUs), b = Throughput.Median(manyUs), ceiling = Throughput.Median(peakRatio);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"benchmark\":\"scaling\",\"model\":\"{model}\",\"batch\":{batch},\"threads\":{threads},\"rounds\":{rounds},\"us_per_step_1\":{a:F1},\"us_per_step_{threads}\":{b:F1},\"speedup\":{a / b:F2},\"fma_peak_speedup\":{ceiling:F2},\"data\":{Throughput.JsonString(data.Description)}}}"));
        return 0;
    }

    // ~0.3 s of steps; the least disturbed third of 30 equal slices, as µs per step.
    private static double Round(IModel model, BenchData data, int batch, ref int step)
    {
        var slices = new double[30];
        for (int s = 0; s < slices.Length; s++)
        {
            const int steps = 10;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) model.TrainStep(data.GetBatch(step++, batch));
            slices[s] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }
        Array.Sort(slices);
        return slices.Take(10).Average();
    }
}
