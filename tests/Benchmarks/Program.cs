using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using BenchmarkDotNet.Running;

namespace Axon.Benchmarks;

/// <summary>
/// <c>throughput --model NAME --batch N --threads T [--seconds S] [--repetitions R]</c> and
/// <c>attack --model NAME --batch N --steps K [--norm linf|l2] [--epsilon E] ...</c> and
/// <c>gemm [--threads T]</c> (GEMM against the FMA peak measured in the same run) and
/// <c>scaling --model NAME --batch N</c> (1 vs T threads, interleaved) and
/// <c>conv [--batch N]</c> (lesson 2's convolution and pooling kernels, 1 vs T threads) and
/// <c>phases --model NAME --batch N</c> (a real step's phases, 1 vs T threads) and
/// <c>breakdown --model NAME --batch N</c> (one step's time per phase) and
/// <c>recurrent --model lstm-t30-f4-h64|gru-t30-f4-h64 --batch N</c> (issue 15's LSTM/GRU regressors) print one
/// JSON line for the side-by-side comparison with PyTorch (tools/bench-side-by-side.sh,
/// tools/pytorch/peer_benchmark.py); any other arguments go to BenchmarkDotNet's switcher
/// (GemmBenchmarks, TrainStepBenchmarks, PredictBenchmarks).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "attack")
        {
            try
            {
                return AttackThroughput.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(AttackThroughput.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "scaling")
        {
            try
            {
                return ThreadScaling.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(ThreadScaling.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "phases")
        {
            try
            {
                return StepPhases.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(StepPhases.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "conv")
        {
            try
            {
                return ConvLayers.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(ConvLayers.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "breakdown")
        {
            try
            {
                return Breakdown.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(Breakdown.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "warmup")
        {
            try
            {
                return Warmup.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(Warmup.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "flushcost")
        {
            try
            {
                return FlushCost.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(FlushCost.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "gemm")
        {
            try
            {
                return GemmPeak.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(GemmPeak.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "recurrent")
        {
            try
            {
                return RecurrentThroughput.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(RecurrentThroughput.Usage);
                return 2;
            }
        }
        if (args.Length > 0 && args[0] == "throughput")
        {
            try
            {
                return Throughput.Run(args.AsSpan(1));
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine(Throughput.Usage);
                return 2;
            }
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}

/// <summary>
/// The side-by-side protocol, mirrored by tools/pytorch/peer_benchmark.py and tools/TorchSharpPeer:
/// a fixed pool of real Fashion-MNIST samples (<see cref="BenchData"/>; <c>--data random</c> for the
/// labelled random extra); warm-up; then <c>repetitions</c> timed loops of TrainStep of about
/// <c>seconds</c> each, reporting the median samples/s; then single-sample Predict latency, the
/// median over many individually timed calls, in microseconds.
/// </summary>
internal static class Throughput
{
    public const string Usage =
        "usage: throughput --model mlp-784-128-10|mlp-784-256-256-10 --batch N --threads T [--seconds 2] [--repetitions 5] " +
        "[--data fashion|random] [--data-dir DIR]";
    private const int ImplementedThreads = 64;

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null, dataDir = null;
        string dataKind = "fashion";
        int batch = 32, threads = 1, repetitions = 5;
        double seconds = 2.0;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = ParseInt(value, args[i]); break;
                case "--threads": threads = ParseInt(value, args[i]); break;
                case "--repetitions": repetitions = ParseInt(value, args[i]); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--data": dataKind = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
            i++;
        }
        if (model is null) throw new ArgumentException("--model is required");
        var net = BenchModels.Create(model, threads);
        if (batch < 1 || batch > net.MaxBatchSize) throw new ArgumentException($"--batch must be in 1..{net.MaxBatchSize}");
        if (threads < 1) throw new ArgumentException("--threads must be at least 1");
        if (repetitions < 1 || seconds <= 0) throw new ArgumentException("--repetitions and --seconds must be positive");

        var data = BenchData.Create(dataKind, dataDir);

        // Warm-up: tiering (tier-0 -> OSR -> tier-1 with PGO) wants a few thousand calls and
        // some wall time; train for ~1 s and at least 300 steps.
        int step = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0 || step < 300)
            net.TrainStep(data.GetBatch(step++, batch));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var rates = new double[repetitions];
        // Steady state = the repetition that allocated least: a one-off allocation by the runtime
        // (a late tier-1 recompile, say) lands in one repetition only, an allocation per step in all.
        double leastAllocatedPerStep = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            long deadline = start + (long)(seconds * Stopwatch.Frequency);
            long now;
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

        double predictUs = PredictLatency(net, data);
        // The step's multiply-add rate against this core's FMA peak, measured now in the same
        // process (the clock of a shared machine moves: only the ratio means anything). With several
        // threads the fraction is of threads × the one-core peak.
        double peak = GemmPeak.SingleThreadPeak(0.5) * Math.Min(threads, Environment.ProcessorCount);
        double stepFlops = Median((double[])rates.Clone()) * BenchModels.FlopsPerTrainingSample(model);

        var json = new StringBuilder();
        json.Append('{');
        json.Append("\"model\":\"").Append(model).Append("\",");
        json.Append("\"batch\":").Append(batch.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"threads\":").Append(threads.ToString(CultureInfo.InvariantCulture)).Append(',');
        if (threads > ImplementedThreads)
            json.Append("\"threads_implemented\":").Append(ImplementedThreads.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"train_samples_per_s\":").Append(Median(rates).ToString("F1", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"predict_us_b1\":").Append(predictUs.ToString("F2", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"allocated_bytes_per_step\":").Append(leastAllocatedPerStep.ToString("0.###", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"train_gflops\":").Append((stepFlops / 1e9).ToString("F2", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"peak_gflops\":").Append((peak / 1e9).ToString("F1", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"fraction_of_peak\":").Append((stepFlops / peak).ToString("F3", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"isa\":\"").Append(GemmPeak.Isa).Append("\",");
        json.Append("\"engine\":\"axon\",");
        json.Append("\"data\":").Append(JsonString(data.Description));
        json.Append('}');
        Console.WriteLine(json.ToString());
        return 0;
    }

    /// <summary>Median of individually timed single-sample Predict calls (µs), after a warm-up.</summary>
    private static double PredictLatency(IModel net, BenchData data)
    {
        const int inputSize = BenchData.InputSize;
        var output = new float[net.OutputSize];
        int samples = data.Samples;
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 2000 || warm.Elapsed.TotalSeconds < 0.5; i++)
            net.Predict(data.Inputs.AsSpan((i % samples) * inputSize, inputSize), output);

        // As many calls as fit in ~1 s, at least 1000 and at most 20000.
        var times = new List<double>(20000);
        long budget = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        for (int i = 0; i < 20000 && (i < 1000 || Stopwatch.GetTimestamp() < budget); i++)
        {
            var x = data.Inputs.AsSpan((i % samples) * inputSize, inputSize);
            long t0 = Stopwatch.GetTimestamp();
            net.Predict(x, output);
            long t1 = Stopwatch.GetTimestamp();
            times.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
        }
        return Median(times.ToArray());
    }

    internal static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    internal static int ParseInt(string value, string option) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"{option} wants an integer, got '{value}'");

    internal static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }
}

/// <summary>
/// PGD throughput, mirrored by <c>tools/pytorch/peer_benchmark.py --attack pgd</c>: the pool of real
/// Fashion-MNIST samples (<see cref="BenchData"/>) and a freshly initialised model (the cost of an attack does not depend on the
/// weights); one operation is one PGD attack (random start, <c>--steps</c> gradient steps with projection) on one
/// batch of <c>--batch</c> samples; warm-up, then <c>--repetitions</c> timed loops of about <c>--seconds</c> each,
/// reporting the median adversarial samples/s and the bytes allocated per attack.
/// </summary>
internal static class AttackThroughput
{
    public const string Usage =
        "usage: attack --model mlp-784-128-10|mlp-784-256-256-10 --batch N --steps K [--norm linf|l2] [--epsilon 0.1 (linf) | 1.0 (l2)] " +
        "[--step-size 2.5·ε/steps] [--restarts 1] [--threads 1] [--seconds 2] [--repetitions 5] [--data fashion|random] [--data-dir DIR]";

    public static int Run(ReadOnlySpan<string> args)
    {
        string? model = null, norm = "linf", dataDir = null;
        string dataKind = "fashion";
        int batch = 128, steps = 40, threads = 1, repetitions = 5, restarts = 1;
        double seconds = 2.0;
        float? epsilon = null, stepSize = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--model": model = value; break;
                case "--batch": batch = Throughput.ParseInt(value, args[i]); break;
                case "--steps": steps = Throughput.ParseInt(value, args[i]); break;
                case "--restarts": restarts = Throughput.ParseInt(value, args[i]); break;
                case "--threads": threads = Throughput.ParseInt(value, args[i]); break;
                case "--repetitions": repetitions = Throughput.ParseInt(value, args[i]); break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--norm": norm = value; break;
                case "--epsilon": epsilon = float.Parse(value, CultureInfo.InvariantCulture); break;
                case "--step-size": stepSize = float.Parse(value, CultureInfo.InvariantCulture); break;
                case "--data": dataKind = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
            i++;
        }
        if (model is null) throw new ArgumentException("--model is required");
        if (norm is not ("linf" or "l2")) throw new ArgumentException("--norm must be linf or l2");
        var net = BenchModels.Create(model, threads);
        if (batch < 1 || batch > net.MaxBatchSize) throw new ArgumentException($"--batch must be in 1..{net.MaxBatchSize}");
        if (steps < 1 || restarts < 1 || threads < 1) throw new ArgumentException("--steps, --restarts and --threads must be at least 1");
        if (repetitions < 1 || seconds <= 0) throw new ArgumentException("--repetitions and --seconds must be positive");
        float eps = epsilon ?? (norm == "l2" ? 1f : 0.1f);
        float alpha = stepSize ?? 2.5f * eps / steps;
        var attackNorm = norm == "l2" ? Axon.Adversarial.AttackNorm.L2 : Axon.Adversarial.AttackNorm.LInf;

        var data = BenchData.Create(dataKind, dataDir);
        var adversarial = new float[batch * BenchData.InputSize];
        var gradient = new float[adversarial.Length];
        var workspace = new Axon.Adversarial.AttackWorkspace(net, batch);
        int op = 0;
        void Attack()
        {
            var b = data.GetBatch(op, batch);
            if (restarts > 1)
                Axon.Adversarial.Attacks.PgdWithRestarts(net, b, attackNorm, eps, alpha, steps, restarts, adversarial, workspace, seed: op);
            else if (attackNorm == Axon.Adversarial.AttackNorm.L2)
                Axon.Adversarial.Attacks.PgdL2(net, b, eps, alpha, steps, adversarial, gradient, seed: op);
            else
                Axon.Adversarial.Attacks.Pgd(net, b, eps, alpha, steps, adversarial, gradient, seed: op);
            op++;
        }

        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0 || op < 10) Attack();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var rates = new double[repetitions];
        double leastAllocatedPerOp = double.MaxValue; // as for training: the steady-state repetition
        for (int r = 0; r < repetitions; r++)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            long deadline = start + (long)(seconds * Stopwatch.Frequency);
            long now;
            int ops = 0;
            do
            {
                Attack();
                ops++;
                now = Stopwatch.GetTimestamp();
            }
            while (now < deadline);
            leastAllocatedPerOp = Math.Min(leastAllocatedPerOp, (double)(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / ops);
            rates[r] = (double)ops * batch * Stopwatch.Frequency / (now - start);
        }
        double median = Throughput.Median(rates);

        var json = new StringBuilder();
        json.Append('{');
        json.Append("\"benchmark\":\"attack\",");
        json.Append("\"attack\":\"pgd-").Append(norm).Append("\",");
        json.Append("\"model\":\"").Append(model).Append("\",");
        json.Append("\"batch\":").Append(batch.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"steps\":").Append(steps.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"restarts\":").Append(restarts.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"epsilon\":").Append(eps.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"step_size\":").Append(alpha.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"threads\":").Append(threads.ToString(CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"samples_per_s\":").Append(median.ToString("F1", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"ms_per_batch\":").Append((batch / median * 1000).ToString("F2", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"sample_gradients_per_s\":").Append((median * steps * restarts).ToString("F0", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"allocated_bytes_per_attack\":").Append(leastAllocatedPerOp.ToString("0.###", CultureInfo.InvariantCulture)).Append(',');
        json.Append("\"data\":").Append(Throughput.JsonString(data.Description));
        json.Append('}');
        Console.WriteLine(json.ToString());
        return 0;
    }
}
