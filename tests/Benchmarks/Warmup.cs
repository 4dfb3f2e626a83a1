using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Axon.Benchmarks;

/// <summary>
/// <c>warmup --model mlp-784-128-10|mlp-2-64-64-2 [--batch 128] [--seconds 3]</c>: how long a fresh
/// process takes to reach steady training speed (the JIT's tiers: tier-0, on-stack replacement,
/// tier-1 with PGO). Run it in a new process per measurement, under the JIT settings to compare
/// (tools/bench-warmup.sh sets DOTNET_TC_QuickJit, DOTNET_TieredCompilation, DOTNET_TC_QuickJitForLoops,
/// DOTNET_TieredPGO). It constructs the model, then trains for <c>--seconds</c> from the first step
/// (<c>--fit EPOCHS</c>: through Trainer.Fit, timed epoch by epoch instead; see WarmupFit.cs),
/// counting samples in 20 ms windows. Steady speed is the median window of the last third; the JSON
/// line gives the first step's time, the time until a window first reaches 90 % of steady, and the
/// time lost to warm-up: elapsed time minus samples trained / steady speed. mlp-784-128-10 trains on
/// the real Fashion-MNIST pool (the main job's model and batch); mlp-2-64-64-2 on two noisy
/// concentric rings (4,096 points, noise ±0.05, fixed seed).
/// </summary>
internal static partial class Warmup
{
    public const string Usage = "usage: warmup --model mlp-784-128-10|mlp-2-64-64-2 [--batch 128] [--seconds 3] [--data-dir DIR] [--trace true] [--fit EPOCHS]";

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null, dataDir = null;
        int batch = 128;
        double seconds = 3;
        bool trace = false;
        int fitEpochs = 0;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            string value = args[i + 1];
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = Throughput.ParseInt(value, args[i]); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--data-dir": dataDir = value; break;
                case "--trace": trace = value == "true"; break;
                case "--fit": fitEpochs = Throughput.ParseInt(value, args[i]); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (batch < 1 || batch > 128) throw new ArgumentException("--batch must be in 1..128");
        if (seconds <= 0.2) throw new ArgumentException("--seconds must be more than 0.2");

        if (fitEpochs > 0) return RunFit(model, batch, fitEpochs, dataDir, trace);
        Func<int, Batch> getBatch;
        IModel net;
        long t0;
        if (model == "mlp-784-128-10")
        {
            var data = BenchData.Fashion(dataDir);
            t0 = Stopwatch.GetTimestamp();
            net = BenchModels.Create(model);
            getBatch = k => data.GetBatch(k, batch);
        }
        else if (model == "mlp-2-64-64-2")
        {
            var (inputs, labels) = Rings(4096);
            int batches = labels.Length / batch;
            t0 = Stopwatch.GetTimestamp();
            net = new Mlp2x64x64x2();
            getBatch = k => { int s = k % batches * batch; return new Batch(inputs.AsSpan(s * 2, batch * 2), labels.AsSpan(s, batch), default, batch); };
        }
        else throw new ArgumentException("--model must be mlp-784-128-10 or mlp-2-64-64-2");

        long constructed = Stopwatch.GetTimestamp();
        long window = Stopwatch.Frequency / 50, end = constructed + (long)(seconds * Stopwatch.Frequency);
        var samples = new List<long>(capacity: (int)(seconds * 50) + 2);
        long windowEnd = constructed + window, inWindow = 0, total = 0, firstStep = 0;
        int step = 0;
        while (true)
        {
            net.TrainStep(getBatch(step++));
            long now = Stopwatch.GetTimestamp();
            if (step == 1) firstStep = now - constructed;
            inWindow += batch;
            total += batch;
            if (now >= windowEnd)
            {
                // A window that overran (a step longer than 20 ms) counts as several with its rate.
                long span = now - (windowEnd - window);
                long windows = Math.Max(1, span / window);
                for (long w = 0; w < windows; w++) samples.Add(inWindow / windows);
                inWindow = 0;
                windowEnd = now + window;
                if (now >= end) break;
            }
        }
        double elapsed = (double)(Stopwatch.GetTimestamp() - constructed) / Stopwatch.Frequency;
        var rates = new double[samples.Count];
        for (int i = 0; i < rates.Length; i++) rates[i] = samples[i] * 50.0;
        var tail = rates.AsSpan(rates.Length * 2 / 3).ToArray();
        double steady = Throughput.Median(tail);
        int first90 = Array.FindIndex(rates, r => r >= 0.9 * steady);
        double lost = elapsed - total / steady;

        var inv = CultureInfo.InvariantCulture;
        if (trace)
            for (int i = 0; i + 5 <= rates.Length; i += 5)
                Console.Error.WriteLine(string.Create(inv, $"{(i + 5) * 20,6} ms {(rates[i] + rates[i + 1] + rates[i + 2] + rates[i + 3] + rates[i + 4]) / 5,12:N0} samples/s"));
        var json = new StringBuilder("{\"benchmark\":\"warmup\",");
        json.Append(inv, $"\"model\":\"{model}\",\"batch\":{batch},\"seconds\":{seconds},");
        json.Append(inv, $"\"construct_ms\":{(constructed - t0) * 1e3 / Stopwatch.Frequency:F1},\"first_step_ms\":{firstStep * 1e3 / Stopwatch.Frequency:F1},");
        json.Append(inv, $"\"ms_to_90pct\":{(first90 < 0 ? double.NaN : (first90 + 1) * 20.0):F0},\"warmup_lost_ms\":{lost * 1e3:F0},");
        json.Append(inv, $"\"steady_samples_per_s\":{steady:F0},\"samples_first_second\":{Sum(rates, 50) / 50:F0},");
        json.Append("\"jit\":\"").Append(JitSettings()).Append("\"}");
        Console.WriteLine(json.ToString());
        return 0;
    }

    private static double Sum(double[] rates, int count)
    {
        double s = 0;
        for (int i = 0; i < Math.Min(count, rates.Length); i++) s += rates[i];
        return s;
    }

    private static string JitSettings()
    {
        var parts = new List<string>();
        foreach (string name in new[] { "TieredCompilation", "TC_QuickJit", "TieredPGO", "TC_QuickJitForLoops", "OSR_HitLimit", "TC_CallCountThreshold", "TC_CallCountingDelayMs", "ReadyToRun" })
            if (Environment.GetEnvironmentVariable("DOTNET_" + name) is { } v) parts.Add(name + "=" + v);
        return parts.Count == 0 ? "default" : string.Join(" ", parts);
    }

    // Two concentric rings (radius 0.5 and 1, uniform noise ±0.05), classes alternating.
    private static (float[] Inputs, int[] Labels) Rings(int count)
    {
        var rng = new Rng(7);
        var inputs = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int c = i & 1;
            float angle = rng.NextSingle() * 2f * MathF.PI, r = (c == 0 ? 0.5f : 1f) + 0.1f * (rng.NextSingle() - 0.5f);
            inputs[2 * i] = r * MathF.Cos(angle);
            inputs[2 * i + 1] = r * MathF.Sin(angle);
            labels[i] = c;
        }
        return (inputs, labels);
    }
}
