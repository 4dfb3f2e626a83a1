using System;
using System.Collections.Generic;
using System.Globalization;
using Axon.Kernels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Axon.Benchmarks;

/// <summary>
/// The three dense-layer products (and the forward one with its fused bias) at the model's
/// shapes, <c>m×n×k</c> as <see cref="Gemm"/> takes them. The GFLOP/s column is 2·m·n·k over the
/// mean time; divide by 32 flops/cycle × the clock for the fraction of one core's FMA peak.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GemmConfig))]
public class GemmBenchmarks
{
    private float[] _a = Array.Empty<float>();
    private float[] _b = Array.Empty<float>();
    private float[] _bias = Array.Empty<float>();
    private float[] _c = Array.Empty<float>();
    private int _m, _n, _k;

    /// <summary><c>m×n×k</c>: batch × outputs × inputs for the forward product.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "128x784x128";

    public static IEnumerable<string> Shapes() => new[]
    {
        "128x784x128", "32x784x128", "1x784x128", "128x784x256", "128x256x256", "128x10x128", "1x10x128",
    };

    [GlobalSetup]
    public void Setup()
    {
        (_m, _n, _k) = Parse(Shape);
        int big = Math.Max(_m, _n);
        var rng = new Random(42);
        _a = new float[big * _k];
        _b = new float[big * _k];
        _bias = new float[_n];
        _c = new float[_m * _n];
        foreach (var x in new[] { _a, _b, _bias })
            for (int i = 0; i < x.Length; i++)
                x[i] = (float)(rng.NextDouble() * 2 - 1);
    }

    internal static (int M, int N, int K) Parse(string shape)
    {
        var parts = shape.Split('x');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Forward <c>X·Wᵀ</c>.</summary>
    [Benchmark(Baseline = true)]
    public void TransposedB() => Gemm.MultiplyTransposedB(_a, _b, _c, _m, _n, _k);

    /// <summary>Forward <c>X·Wᵀ + b</c> with the bias in the epilogue.</summary>
    [Benchmark]
    public void TransposedBBias() => Gemm.MultiplyTransposedBBias(_a, _b, _bias, _c, _m, _n, _k);

    /// <summary>Input gradient <c>dZ·W</c>.</summary>
    [Benchmark]
    public void Multiply() => Gemm.Multiply(_a, _b, _c, _m, _n, _k);

    /// <summary>Weight gradient <c>dZᵀ·X</c>.</summary>
    [Benchmark]
    public void TransposedA() => Gemm.MultiplyTransposedA(_a, _b, _c, _m, _n, _k);

    /// <summary>The reference forward product, for the speed-up.</summary>
    [Benchmark]
    public void ReferenceTransposedB() => GemmReference.MultiplyTransposedB(_a, _b, _c, _m, _n, _k);

    private sealed class GemmConfig : ManualConfig
    {
        public GemmConfig()
        {
            // Short runs: the machine is shared and its clock moves, so many long runs buy little.
            // In process: no generated project to build, whatever the benchmark project is called.
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(7).WithLaunchCount(1)
                .WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(new GflopsColumn());
        }
    }

    /// <summary>2·m·n·k flops divided by the mean time of the benchmark.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => "GFLOPs";
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2·m·n·k / mean time, in 1e9 flop per second";
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            var stats = report?.ResultStatistics;
            if (stats == null)
                return "-";
            var shape = (string)benchmarkCase.Parameters["Shape"];
            var (m, n, k) = Parse(shape);
            double gflops = 2.0 * m * n * k / stats.Mean; // flops per ns = GFLOP/s
            return gflops.ToString("F1", CultureInfo.InvariantCulture);
        }
    }
}
