using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Axon.TorchSharpPeer;

/// <summary>
/// LibTorch 2.10 through TorchSharp 0.107.0, measuring what <c>Axon.Benchmarks throughput</c>
/// measures: mlp-784-128-10 or mlp-784-256-256-10 (Linear + ReLU, PyTorch's default init), Adam
/// lr 1e-3, softmax cross-entropy, on the same pool of real Fashion-MNIST images in the same batch
/// order (the first 8,192 training images, pixels byte/255); warm-up (≥ 1 s and ≥ 300 steps), then
/// <c>--repetitions</c> timed loops of about <c>--seconds</c>, median samples/s; then the latency of
/// one-sample prediction under no_grad in eval mode, the median of individually timed calls.
/// The whole protocol runs twice, with LibTorch's flush-to-zero (<c>set_flush_denormal</c>) off and
/// on, each on a freshly initialised model; the JSON line reports the better of each figure and both.
/// </summary>
/// <remarks>
/// Each step runs in a <c>DisposeScope</c> (TorchSharp's way to free the step's tensors at once rather
/// than at finalisation) and clears gradients with <c>zero_grad()</c>'s default set-to-none: zeroing in
/// place leaks a native handle per parameter per step in 0.107.
/// </remarks>
public static class Program
{
    private const int PoolSamples = 8192;
    private const string Usage =
        "usage: TorchSharpPeer --model mlp-784-128-10|mlp-784-256-256-10|lstm-t30-f4-h64|gru-t30-f4-h64|conv1d-t30-f4-c32 --batch N [--threads 1] [--seconds 2] [--repetitions 5] " +
        "[--flush best|on|off] [--data fashion|random] [--data-dir DIR]";

    public static int Main(string[] args)
    {
        try
        {
            return Run(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private static int Run(string[] args)
    {
        string? model = null, dataDir = null;
        string flush = "best", dataKind = "fashion";
        int batch = 32, threads = 1, repetitions = 5;
        double seconds = 2;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            string v = args[i + 1];
            switch (args[i])
            {
                case "--model": model = v; break;
                case "--batch": batch = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--repetitions": repetitions = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(v, CultureInfo.InvariantCulture); break;
                case "--flush": flush = v; break;
                case "--data": dataKind = v; break;
                case "--data-dir": dataDir = v; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        int[] sizes = model switch
        {
            "mlp-784-128-10" => [784, 128, 10],
            "mlp-784-256-256-10" => [784, 256, 256, 10],
            _ when RecurrentPeer.Handles(model) => [],
            _ => throw new ArgumentException($"--model must be mlp-784-128-10, mlp-784-256-256-10, lstm-t30-f4-h64, gru-t30-f4-h64 or conv1d-t30-f4-c32, got '{model}'"),
        };
        if (batch < 1 || batch > 128) throw new ArgumentException("--batch must be in 1..128 (the Axon models' MaxBatchSize)");
        if (threads < 1 || repetitions < 1 || seconds <= 0) throw new ArgumentException("--threads, --repetitions and --seconds must be positive");
        if (flush is not ("best" or "on" or "off")) throw new ArgumentException("--flush must be best, on or off");

        if (RecurrentPeer.Handles(model))
            return RecurrentPeer.Run(model!, batch, threads, seconds, repetitions, flush, SetFlushDenormal);
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
        var (inputs, labels, description) = dataKind switch
        {
            "fashion" => LoadFashion(dataDir),
            "random" => RandomPool(),
            _ => throw new ArgumentException($"--data must be fashion or random, got '{dataKind}'"),
        };

        var results = new List<(bool Flush, double Train, double Predict)>();
        foreach (bool on in flush switch { "on" => new[] { true }, "off" => new[] { false }, _ => new[] { false, true } })
        {
            SetFlushDenormal(on);
            var (train, predict) = Measure(sizes, inputs, labels, batch, seconds, repetitions);
            results.Add((on, train, predict));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"libtorch flush_denormal={on}: {train:F1} samples/s, predict {predict:F2} µs"));
        }
        SetFlushDenormal(false);

        var bestTrain = results[0];
        var bestPredict = results[0];
        foreach (var r in results)
        {
            if (r.Train > bestTrain.Train) bestTrain = r;
            if (r.Predict < bestPredict.Predict) bestPredict = r;
        }
        var inv = CultureInfo.InvariantCulture;
        var json = new StringBuilder("{");
        json.Append(inv, $"\"model\":\"{model}\",\"batch\":{batch},\"threads\":{threads},");
        json.Append(inv, $"\"train_samples_per_s\":{bestTrain.Train:F1},\"predict_us_b1\":{bestPredict.Predict:F2},");
        json.Append(inv, $"\"train_flush_denormal\":{(bestTrain.Flush ? "true" : "false")},\"predict_flush_denormal\":{(bestPredict.Flush ? "true" : "false")},");
        foreach (var r in results)
        {
            string tag = r.Flush ? "flush" : "noflush";
            json.Append(inv, $"\"train_samples_per_s_{tag}\":{r.Train:F1},\"predict_us_b1_{tag}\":{r.Predict:F2},");
        }
        json.Append("\"engine\":\"libtorch\",\"torch\":\"LibTorch 2.10.0 (TorchSharp-cpu 0.107.0)\",");
        json.Append("\"data\":").Append(System.Text.Json.JsonSerializer.Serialize(description)).Append('}');
        Console.WriteLine(json.ToString());
        return 0;
    }

    private static (double TrainSamplesPerSecond, double PredictMicroseconds) Measure(
        int[] sizes, float[] inputs, long[] labels, int batch, double seconds, int repetitions)
    {
        torch.manual_seed(1234);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(sizes[i], sizes[i + 1])));
            if (i + 2 < sizes.Length) layers.Add(($"relu{i}", nn.ReLU()));
        }
        using var net = nn.Sequential(layers);
        using var optimizer = optim.Adam(net.parameters(), lr: 1e-3);
        using var criterion = nn.CrossEntropyLoss();

        int samples = labels.Length, batches = samples / batch;
        var xs = new Tensor[batches];
        var ys = new Tensor[batches];
        for (int b = 0; b < batches; b++)
        {
            xs[b] = torch.tensor(inputs.AsSpan(b * batch * 784, batch * 784).ToArray(), new long[] { batch, 784 });
            ys[b] = torch.tensor(labels.AsSpan(b * batch, batch).ToArray(), new long[] { batch });
        }

        int step = 0;
        void TrainStep()
        {
            int k = step++ % batches;
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = criterion.forward(net.forward(xs[k]), ys[k]);
            loss.backward();
            optimizer.step();
        }

        net.train();
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.0 || step < 300) TrainStep();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var rates = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp(), deadline = start + (long)(seconds * Stopwatch.Frequency), now;
            int steps = 0;
            do
            {
                TrainStep();
                steps++;
                now = Stopwatch.GetTimestamp();
            }
            while (now < deadline);
            rates[r] = (double)steps * batch * Stopwatch.Frequency / (now - start);
        }

        net.eval();
        int pool = Math.Min(samples, 4096);
        var ones = new Tensor[pool];
        for (int i = 0; i < pool; i++) ones[i] = torch.tensor(inputs.AsSpan(i * 784, 784).ToArray(), new long[] { 1, 784 });
        var times = new List<double>(20000);
        using (torch.no_grad())
        {
            var w = Stopwatch.StartNew();
            for (int i = 0; i < 2000 || w.Elapsed.TotalSeconds < 0.5; i++)
            {
                using var scope = torch.NewDisposeScope();
                net.forward(ones[i % pool]);
            }
            long budget = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            for (int i = 0; i < 20000 && (i < 1000 || Stopwatch.GetTimestamp() < budget); i++)
            {
                var x = ones[i % pool];
                long t0 = Stopwatch.GetTimestamp();
                using (torch.NewDisposeScope()) net.forward(x);
                long t1 = Stopwatch.GetTimestamp();
                times.Add((t1 - t0) * 1e6 / Stopwatch.Frequency);
            }
        }
        foreach (var t in xs) t.Dispose();
        foreach (var t in ys) t.Dispose();
        foreach (var t in ones) t.Dispose();
        return (Median(rates), Median(times.ToArray()));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }

    // TorchSharp 0.107 has no set_flush_denormal; LibTorch's own at::globalContext().setFlushDenormal
    // (what torch.set_flush_denormal calls) is exported from libtorch_cpu.so. It sets the FTZ and DAZ
    // bits of the calling thread's MXCSR: with one intra-op thread that is the thread doing the work.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);

    private static void SetFlushDenormal(bool on)
    {
        if (!SetFlushDenormal(GlobalContext(), on) && on)
            throw new InvalidOperationException("LibTorch could not enable flush-to-zero on this CPU (no SSE3?)");
    }

    private static (float[] Inputs, long[] Labels, string Description) LoadFashion(string? directory)
    {
        directory ??= FindFashion();
        byte[] images = ReadIdx(Path.Combine(directory, "train-images-idx3-ubyte.gz"), 16);
        byte[] labelBytes = ReadIdx(Path.Combine(directory, "train-labels-idx1-ubyte.gz"), 8);
        int n = Math.Min(PoolSamples, labelBytes.Length);
        var inputs = new float[n * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = images[i] / 255f; // as Axon's IDX reader and torchvision
        var labels = new long[n];
        for (int i = 0; i < n; i++) labels[i] = labelBytes[i];
        return (inputs, labels, $"fashion-mnist ({Path.GetFullPath(directory)}, first {n} training images)");
    }

    private static (float[] Inputs, long[] Labels, string Description) RandomPool()
    {
        var rng = new Random(1234);
        var inputs = new float[PoolSamples * 784];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextSingle();
        var labels = new long[PoolSamples];
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(10);
        return (inputs, labels, "random (uniform pixels, uniform labels)");
    }

    private static string FindFashion()
    {
        const string system = "/usr/share/datasets/fashion-mnist";
        if (File.Exists(Path.Combine(system, "train-images-idx3-ubyte.gz"))) return system;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "data", "fashion-mnist");
            if (File.Exists(Path.Combine(candidate, "train-images-idx3-ubyte.gz"))) return candidate;
        }
        throw new ArgumentException("Fashion-MNIST not found: pass --data-dir (apt-get install dataset-fashion-mnist, or the repository's data/fashion-mnist)");
    }

    private static byte[] ReadIdx(string path, int header)
    {
        using var file = File.OpenRead(path);
        bool gzipped = file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        file.Position = 0;
        using Stream stream = gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray().AsSpan(header).ToArray();
    }
}
