using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Axon.Benchmarks;

/// <summary>Short in-process runs: the machine is shared and its clock moves (PERF.md).</summary>
internal sealed class ModelBenchConfig : ManualConfig
{
    public ModelBenchConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(7).WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }
}

/// <summary>One TrainStep (forward, loss, backward, Adam update) per operation.</summary>
[MemoryDiagnoser]
[Config(typeof(ModelBenchConfig))]
public class TrainStepBenchmarks
{
    private IModel _model = null!;
    private BenchData _data = null!;
    private int _step;

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "mlp-784-128-10";

    [Params(1, 32, 128)]
    public int Batch { get; set; } = 32;

    public static IEnumerable<string> Models() => BenchModels.Names;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Create(Model);
        _data = BenchData.Fashion();
        _step = 0;
    }

    [Benchmark]
    public float TrainStep() => _model.TrainStep(_data.GetBatch(_step++, Batch));
}

/// <summary>Predict on a batch of inputs per operation.</summary>
[MemoryDiagnoser]
[Config(typeof(ModelBenchConfig))]
public class PredictBenchmarks
{
    private IModel _model = null!;
    private BenchData _data = null!;
    private float[] _output = [];

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "mlp-784-128-10";

    [Params(1, 32, 128)]
    public int Batch { get; set; } = 1;

    public static IEnumerable<string> Models() => BenchModels.Names;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModels.Create(Model);
        _data = BenchData.Fashion();
        _output = new float[Batch * _model.OutputSize];
    }

    [Benchmark]
    public void Predict() => _model.Predict(_data.Inputs.AsSpan(0, Batch * BenchData.InputSize), _output);
}
