using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Axon.Kernels;

namespace Axon.Benchmarks;

/// <summary>
/// <c>conv [--batch N] [--threads 2] [--rounds 9]</c>: the two convolutions of lesson 2's CNN (1→16 and 16→32 channels,
/// 3×3, same padding, ReLU) and its 2×2 max pooling, forward and backward as a training step runs them, on 1 and on T
/// threads, interleaved round by round in one process. Prints one JSON line per kernel with the median µs of each and
/// their ratio: where a CNN step's time goes, and which kernel does not scale.
/// </summary>
internal static class ConvLayers
{
    public const string Usage = "usage: conv [--batch N] [--threads 2] [--rounds 9]";

    public static int Run(ReadOnlySpan<string> args)
    {
        int batch = 64, threads = 2, rounds = 9;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after '{args[i]}'");
            switch (args[i])
            {
                case "--batch": batch = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--threads": threads = Throughput.ParseInt(args[i + 1], args[i]); break;
                case "--rounds": rounds = Throughput.ParseInt(args[i + 1], args[i]); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (batch < 1 || threads < 2 || rounds < 1) throw new ArgumentException("--batch positive, --threads at least 2, --rounds positive");

        var one = WorkerPool.Get(1);
        var many = WorkerPool.Get(threads);
        var conv1 = Conv2DShape.Create(1, 28, 28, 16, 3, 1, same: true);
        var pool1 = Pool2DShape.Create(16, 28, 28, 2, 2, same: false);
        var conv2 = Conv2DShape.Create(16, 14, 14, 32, 3, 1, same: true);
        var rng = new Random(1);
        float[] Random(long n) => Enumerable.Range(0, checked((int)n)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

        var x = Random((long)batch * conv1.InputSize);
        var w1 = Random(16 * 9); var b1 = Random(16);
        var z1 = new float[batch * conv1.OutputSize]; var y1 = new float[z1.Length]; var dy1 = new float[z1.Length];
        var gw1 = new float[w1.Length]; var gb1 = new float[16];
        var p1 = new float[batch * pool1.OutputSize]; var dp1 = Random(p1.Length);
        var w2 = Random(32 * 144); var b2 = Random(32);
        var z2 = new float[batch * conv2.OutputSize]; var y2 = new float[z2.Length]; var dy2 = Random(z2.Length);
        var gw2 = new float[w2.Length]; var gb2 = new float[32]; var dx2 = new float[p1.Length];
        var scratch = new float[Math.Max(conv1.ScratchLength, conv2.ScratchLength)];

        (string Name, Action<WorkerPool> Run)[] kernels =
        [
            ("conv1 forward", p => Conv2D.Forward(x, w1, b1, z1, y1, batch, conv1, default(ReluActivation), scratch, p)),
            ("pool1 forward", p => MaxPool2D.Forward(y1, p1, batch, pool1, p)),
            ("conv2 forward", p => Conv2D.Forward(p1, w2, b2, z2, y2, batch, conv2, default(ReluActivation), scratch, p)),
            ("conv2 backward", p => { dy2.AsSpan().Fill(0.01f); Conv2D.Backward(p1, w2, z2, y2, dy2, gw2, gb2, dx2, batch, conv2, default(ReluActivation), true, true, scratch, p); }),
            ("pool1 backward", p => MaxPool2D.Backward(y1, dp1, dy1, batch, pool1, p)),
            ("conv2 backward act", p => { dy2.AsSpan().Fill(0.01f); Conv2D.Backward(p1, w2, z2, y2, dy2, gw2, gb2, dx2, batch, conv2, default(ReluActivation), false, false, scratch, p); }),
            ("conv2 backward dW", p => { dy2.AsSpan().Fill(0.01f); Conv2D.Backward(p1, w2, z2, y2, dy2, gw2, gb2, dx2, batch, conv2, default(ReluActivation), true, false, scratch, p); }),
            ("conv2 backward dx", p => { dy2.AsSpan().Fill(0.01f); Conv2D.Backward(p1, w2, z2, y2, dy2, gw2, gb2, dx2, batch, conv2, default(ReluActivation), false, true, scratch, p); }),
            ("conv1 backward act", p => Conv2D.Backward(x, w1, z1, y1, dy1, gw1, gb1, default, batch, conv1, default(ReluActivation), false, false, scratch, p)),
            ("conv1 backward", p => Conv2D.Backward(x, w1, z1, y1, dy1, gw1, gb1, default, batch, conv1, default(ReluActivation), true, false, scratch, p)),
        ];
        foreach (var (name, run) in kernels)
        {
            for (int i = 0; i < 50; i++) { run(one); run(many); }
            var a = new double[rounds];
            var b = new double[rounds];
            for (int r = 0; r < rounds; r++) { a[r] = Time(run, one); b[r] = Time(run, many); }
            double ma = Throughput.Median(a), mb = Throughput.Median(b);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"benchmark\":\"conv\",\"kernel\":\"{name}\",\"batch\":{batch},\"threads\":{threads},\"us_1\":{ma:F1},\"us_{threads}\":{mb:F1},\"speedup\":{ma / mb:F2}}}"));
        }
        return 0;
    }

    // The least disturbed third of 15 timed calls, in µs.
    private static double Time(Action<WorkerPool> run, WorkerPool pool)
    {
        var t = new double[15];
        for (int i = 0; i < t.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            run(pool);
            t[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(t);
        return t.Take(5).Average();
    }
}
