using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using Axon.Compiled;
using Axon.Losses;

namespace Axon.Benchmarks;

/// <summary>
/// <c>phases --model NAME --batch N [--threads 2] [--rounds 7]</c>: where a real training step's time goes on 1 and on T
/// threads. It runs the generated model's own members in TrainStep's order, as ModelDriver calls them (the input check, <c>Forward</c>, the fused
/// softmax cross-entropy and its gradient, <c>Backward</c>, the optimizer step), timing each, on two instances trained on
/// the same batches in interleaved rounds. Unlike <c>breakdown</c> (a replay of an MLP's kernels on one thread) this times
/// the generated code with its thread split, so it shows which phase does not scale. Prints one JSON line.
/// </summary>
internal static class StepPhases
{
    public const string Usage = "usage: phases --model mlp-784-128-10|mlp-784-256-256-10|cnn --batch N [--threads 2] [--rounds 7]";

    private static readonly string[] Names = ["check", "forward", "loss", "backward", "optimizer"];

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null;
        int batch = 128, threads = 2, rounds = 7;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--model": model = args[i + 1]; break;
                case "--batch": batch = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--threads": threads = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--rounds": rounds = Throughput.ParseInt(args[i + 1], args[i]); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (model is null) throw new ArgumentException("--model is required");
        if (batch < 1 || batch > 128 || threads < 2 || rounds < 1) throw new ArgumentException("--batch in 1..128, --threads at least 2, --rounds positive");

        var data = BenchData.Create("fashion", null);
        var one = (IModelKernel)BenchModels.Create(model, 1);
        var many = (IModelKernel)BenchModels.Create(model, threads);
        int step = 0;
        var ticksOne = new long[Names.Length];
        var ticksMany = new long[Names.Length];
        for (int i = 0; i < 300; i++) { Step(one, data.GetBatch(step, batch), null); Step(many, data.GetBatch(step++, batch), null); }
        var perRoundOne = new double[rounds][];
        var perRoundMany = new double[rounds][];
        const int steps = 100;
        for (int r = 0; r < rounds; r++)
        {
            Array.Clear(ticksOne);
            Array.Clear(ticksMany);
            int start = step;
            for (int i = 0; i < steps; i++) Step(one, data.GetBatch(start + i, batch), ticksOne);
            for (int i = 0; i < steps; i++) Step(many, data.GetBatch(start + i, batch), ticksMany);
            step += steps;
            perRoundOne[r] = ticksOne.Select(t => t * 1e6 / Stopwatch.Frequency / steps).ToArray();
            perRoundMany[r] = ticksMany.Select(t => t * 1e6 / Stopwatch.Frequency / steps).ToArray();
        }
        var inv = CultureInfo.InvariantCulture;
        var json = new StringBuilder();
        json.Append(inv, $"{{\"benchmark\":\"phases\",\"model\":\"{model}\",\"batch\":{batch},\"threads\":{threads}");
        double totalOne = 0, totalMany = 0;
        for (int p = 0; p < Names.Length; p++)
        {
            double a = Throughput.Median(perRoundOne.Select(x => x[p]).ToArray()), b = Throughput.Median(perRoundMany.Select(x => x[p]).ToArray());
            totalOne += a; totalMany += b;
            json.Append(inv, $",\"{Names[p]}\":{{\"us_1\":{a:F1},\"us_{threads}\":{b:F1},\"speedup\":{a / b:F2}}}");
        }
        json.Append(inv, $",\"step\":{{\"us_1\":{totalOne:F1},\"us_{threads}\":{totalMany:F1},\"speedup\":{totalOne / totalMany:F2}}}");
        // The optimizer step alone, repeated on the same gradients: its own cost without the cache state a step leaves.
        double optOne = OptimizerAlone(one), optMany = OptimizerAlone(many);
        json.Append(inv, $",\"optimizer_alone\":{{\"us_1\":{optOne:F1},\"us_{threads}\":{optMany:F1},\"speedup\":{optOne / optMany:F2}}}}}");
        Console.WriteLine(json.ToString());
        return 0;
    }

    private static void Step(IModelKernel model, in Batch batch, long[]? ticks)
    {
        var core = model.Core;
        int n = batch.Count;
        long t0 = Stopwatch.GetTimestamp();
        Guard.Finite(batch.Inputs, "inputs", core.Pool);
        long t1 = Stopwatch.GetTimestamp();
        model.Forward(batch.Inputs, n, training: true);
        long t2 = Stopwatch.GetTimestamp();
        SoftmaxCrossEntropy.ForwardBackwardOnThreads(core.Outputs(n), batch.Labels, core.OutputGradient(n), n, core.Info.OutputSize, 1f / n, core.Pool);
        long t3 = Stopwatch.GetTimestamp();
        model.Backward(batch.Inputs, n, parameterGradients: true, default);
        long t4 = Stopwatch.GetTimestamp();
        core.OptimizerStep();
        long t5 = Stopwatch.GetTimestamp();
        if (ticks is null) return;
        ticks[0] += t1 - t0; ticks[1] += t2 - t1; ticks[2] += t3 - t2; ticks[3] += t4 - t3; ticks[4] += t5 - t4;
    }

    private static double OptimizerAlone(IModelKernel model)
    {
        var t = new double[15];
        for (int i = 0; i < t.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; k < 20; k++) model.Core.OptimizerStep();
            t[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 20;
        }
        return Throughput.Median(t);
    }
}
