using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Axon.Serialization;
using Xunit;

namespace Axon.Integration.Tests;

/// <summary>
/// Loading files whose names differ from the model's (PyTorch <c>nn.Sequential</c> numbers its
/// layers) or that hold a subset or superset of its tensors; and statistics no trained BatchNorm
/// can have.
/// </summary>
public sealed class LoadOptionsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "axon-load-options-" + Guid.NewGuid().ToString("N"));

    public LoadOptionsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, string> SequentialNames = new()
    {
        ["0.weight"] = "hidden.weight", ["0.bias"] = "hidden.bias",
        ["2.weight"] = "output.weight", ["2.bias"] = "output.bias",
    };

    /// <summary>Writes <paramref name="source"/>'s parameters under other names, as PyTorch would.</summary>
    private string SaveRenamed(XorNet source, IReadOnlyDictionary<string, string> fileToModel, string name, Func<string, bool>? keep = null, bool extra = false)
    {
        var (flat, specs) = Flat(Save(source, "source-" + name));
        var modelToFile = fileToModel.ToDictionary(p => p.Value, p => p.Key);
        var renamed = specs.Where(t => keep is null || keep(t.Name))
            .Select(t => new TensorSpec(modelToFile.GetValueOrDefault(t.Name, t.Name), t.Shape, t.Offset)).ToList();
        if (extra)
        {
            renamed.Add(new TensorSpec("classifier.weight", [2], flat.Length));
            flat = [.. flat, 5f, 6f];
        }
        string path = Path.Combine(_dir, name + ".safetensors");
        SafeTensors.Save(path, flat, renamed, "torch");
        return path;
    }

    /// <summary>A file's tensors, contiguous in file order, and their key map.</summary>
    private static (float[] Values, List<TensorSpec> Specs) Flat(string path)
    {
        var specs = new List<TensorSpec>();
        int offset = 0;
        foreach (var t in SafeTensors.ReadHeader(path).Tensors)
        {
            specs.Add(new TensorSpec(t.Name, t.Shape.Select(d => (int)d).ToArray(), offset));
            offset += (int)t.Count;
        }
        var values = new float[offset];
        SafeTensors.Load(path, values, specs, "file");
        return (values, specs);
    }

    private string Save(XorNet model, string name)
    {
        string path = Path.Combine(_dir, name + ".safetensors");
        model.Save(path);
        return path;
    }

    private static XorNet Trained(int steps)
    {
        var model = new XorNet();
        float[] x = [0, 0, 0, 1, 1, 0, 1, 1], y = [0, 1, 1, 0];
        for (int i = 0; i < steps; i++) model.TrainStep(x, y);
        return model;
    }

    [Fact]
    public void SequentialNamesLoadThroughANameMapBitForBit()
    {
        var source = Trained(20);
        string path = SaveRenamed(source, SequentialNames, "sequential");
        var target = new XorNet();

        var report = target.Load(path, new LoadOptions { NameMap = SequentialNames });

        Assert.Equal(source.Parameters.ToArray(), target.Parameters.ToArray());
        Assert.Equal(["hidden.weight", "hidden.bias", "output.weight", "output.bias"], report.Loaded);
        Assert.Empty(report.SkippedFromFile);
        Assert.Empty(report.NotInFile);
    }

    [Fact]
    public void SequentialNamesWithoutAMapFailStrictlyAndChangeNothing()
    {
        string path = SaveRenamed(Trained(5), SequentialNames, "strict");
        var target = new XorNet();
        var before = target.Parameters.ToArray();

        var e = Assert.Throws<SafeTensorsException>(() => target.Load(path));
        Assert.Contains("missing tensor hidden.weight", e.Message);
        Assert.Contains("unexpected tensor 0.weight", e.Message);
        var e2 = Assert.Throws<SafeTensorsException>(() => target.Load(path, LoadOptions.Default));
        Assert.Equal(e.Problems, e2.Problems);
        Assert.Equal(before, target.Parameters.ToArray());
    }

    [Fact]
    public void NonStrictLoadsTheSharedSubsetAndReportsWhatItSkipped()
    {
        var source = Trained(20);
        string path = SaveRenamed(source, new Dictionary<string, string>(), "subset", keep: n => n.StartsWith("hidden.", StringComparison.Ordinal), extra: true);
        var target = new XorNet();
        var before = target.Parameters.ToArray();

        var report = target.Load(path, new LoadOptions { Strict = false });

        Assert.Equal(["hidden.weight", "hidden.bias"], report.Loaded);
        Assert.Equal(["classifier.weight"], report.SkippedFromFile);
        Assert.Equal(["output.weight", "output.bias"], report.NotInFile);
        var (hidden, output) = (target.Hidden, target.Output);
        Assert.Equal(source.Hidden.Weight.ToArray(), hidden.Weight.ToArray());
        Assert.Equal(source.Hidden.Bias.ToArray(), hidden.Bias.ToArray());
        Assert.Equal(before.AsSpan(output.ParameterOffset, output.ParameterCount).ToArray(), target.Parameters.Slice(output.ParameterOffset, output.ParameterCount).ToArray());

        // The default stays strict: the same file is refused.
        Assert.Throws<SafeTensorsException>(() => new XorNet().Load(path));
    }

    [Fact]
    public void NonStrictStillRefusesAMismatchedShapeAndChangesNothing()
    {
        var source = Trained(3);
        // The file's "0.weight" is output.weight ([1, 8]) but the map sends it to hidden.weight ([8, 2]).
        var wrong = new Dictionary<string, string> { ["0.weight"] = "output.weight" };
        string path = SaveRenamed(source, wrong, "mismatch", keep: n => n == "output.weight");
        var target = new XorNet();
        var before = target.Parameters.ToArray();

        var e = Assert.Throws<SafeTensorsException>(() => target.Load(path, new LoadOptions { Strict = false, NameMap = new Dictionary<string, string> { ["0.weight"] = "hidden.weight" } }));
        Assert.True(e.Message.Contains("0.weight has shape [1, 8], XorNet's hidden.weight expects [8, 2]", StringComparison.Ordinal), e.Message);
        Assert.Equal(before, target.Parameters.ToArray());
    }

    [Fact]
    public void TwoFileTensorsMappedToOneModelTensorAreRefused()
    {
        // The file keeps hidden.weight and also maps 0.weight onto it: ambiguous, refused.
        string path = SaveRenamed(Trained(2), new Dictionary<string, string> { ["0.weight"] = "output.weight" }, "twice");
        var e = Assert.Throws<SafeTensorsException>(() => new XorNet().Load(path, new LoadOptions { Strict = false, NameMap = new Dictionary<string, string> { ["0.weight"] = "hidden.weight" } }));
        Assert.Contains("both map to hidden.weight", e.Message);
    }

    [Fact]
    public void NameMapToAnUnknownTensorIsAnArgumentError()
    {
        string path = Save(Trained(1), "plain");
        var e = Assert.Throws<ArgumentException>(() => new XorNet().Load(path, new LoadOptions { NameMap = new Dictionary<string, string> { ["0.weight"] = "hiden.weight" } }));
        Assert.Contains("hiden.weight", e.Message);
        Assert.Contains("hidden.weight", e.Message);
    }

    [Fact]
    public void NegativeRunningVarianceInAFileIsRefusedNamingTheTensorAndTheModelPredictsAsBefore()
    {
        var model = new NormNet();
        string path = Path.Combine(_dir, "norm.safetensors");
        model.Save(path);
        var arena = model.Parameters.ToArray();
        var (fromFile, specs) = Flat(path);
        var variance = specs.First(t => t.Name.EndsWith(".running_var", StringComparison.Ordinal));
        fromFile[variance.Offset + 1] = -1f;
        SafeTensors.Save(path, fromFile, specs, "NormNet");

        var input = new float[NormNet.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = MathF.Sin(i);
        var expected = new float[NormNet.OutputSize];
        model.Predict(input, expected);

        var e = Assert.Throws<SafeTensorsException>(() => model.Load(path));
        Assert.Contains($"{variance.Name} has 1 negative value (the first, at flat index 1, is -1), but a variance cannot be negative", e.Message);
        Assert.Equal(arena, model.Parameters.ToArray());
        var output = new float[NormNet.OutputSize];
        model.Predict(input, output);
        Assert.Equal(expected, output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
    }
}
