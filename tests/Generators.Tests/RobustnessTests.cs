using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// A corpus of randomly malformed model declarations: the generator must never throw, and the code it
/// emits must never add a C# error (only Axon diagnostics, or the C# errors the declaration itself has).
/// </summary>
public class RobustnessTests
{
    private static readonly string[] Sizes = ["-1", "0", "1", "3", "784", "int.MaxValue", "1 << 30", "46341"];
    private static readonly string[] Activations = ["Activation.Relu", "Activation.Softmax", "Activation.Sigmoid", "Activation.Gelu", "(Activation)42", "Activation.LeakyRelu, NegativeSlope = 0f"];
    private static readonly string[] Losses = ["", "Loss = Loss.SoftmaxCrossEntropy", "Loss = Loss.BinaryCrossEntropy", "Loss = Loss.MeanSquaredError", "Loss = (Loss)9"];
    private static readonly string[] Inputs = ["", "[Input(4)]", "[Input(0)]", "[Input(1, 28, 28)]", "[Input(2, 2)]", "[Input(int.MaxValue)]", "[Input(3, Min = 1f, Max = -1f)]", "[Input(3, Min = float.NaN)]",
        "[Input(3, 8, 8)]", "[Input(1, 5, 7)]", "[Input(1, 46341, 46341)]"];
    private static readonly string[] Windows = ["-2", "0", "1", "2", "3", "5", "9", "int.MaxValue"];
    private static readonly string[] Rates = ["-0.5f", "0f", "0.5f", "1f", "float.NaN", "2f"];
    private static readonly string[] References = ["nameof(L0)", "nameof(L1)", "nameof(L2)", "\"Nope\"", "Graph.Input", "null!", "\"\""];
    private static readonly string[] Optimizers = ["", "[Adam]", "[Sgd(Nesterov = true)]", "[AdamW(LearningRate = 0f)]", "[Adam][Sgd]", "[Adam(Beta1 = 1f)]",
        "[AdversarialTraining(0.1f, Method = Axon.Adversarial.AdversarialMethod.Trades)]", "[AdversarialTraining(-1f, Alpha = double.NaN, Steps = int.MinValue)]",
        "[Adam][AdversarialTraining(float.PositiveInfinity, Method = (Axon.Adversarial.AdversarialMethod)5, StepSize = float.NaN, Beta = -1)]"];
    private static readonly string[] Members =
    [
        "[Dense({0}, {1})] public partial Layer L{2} {{ get; }}",
        "[Dense({0})] public Layer L{2} {{ get; }}",
        "[Dense({0})] public partial Layer L{2} {{ get; set; }}",
        "[Dense({0})] public static partial Layer L{2} {{ get; }}",
        "[Dense({0})] public partial int L{2} {{ get; }}",
        "public void Predict() {{ }}",
        "[Dense({0}, {1})] internal partial Layer l{2} {{ get; }}",
        "[Conv2D({0}, {3}, {1})] public partial Layer L{2} {{ get; }}",
        "[Conv2D({0}, {3}, Stride = {3}, Padding = Padding.Same)] public partial Layer L{2} {{ get; }}",
        "[MaxPool2D({3})] public partial Layer L{2} {{ get; }}",
        "[AvgPool2D({3}, Stride = {0}, Padding = (Padding)7)] public partial Layer L{2} {{ get; }}",
        "[GlobalAveragePool] public partial Layer L{2} {{ get; }}",
        "[Flatten] public partial Layer L{2} {{ get; }}",
        "[Dropout({4})] public partial Layer L{2} {{ get; }}",
        "[BatchNorm(Momentum = {4}, Epsilon = {4})] public partial Layer L{2} {{ get; }}",
        "[LayerNorm(Epsilon = {4})] public partial Layer L{2} {{ get; }}",
        "[Dense({0}, From = {5})] public partial Layer L{2} {{ get; }}",
        "[Add({5}, {6})] public partial Layer L{2} {{ get; }}",
        "[Multiply({5}, {6}, {5})] public partial Layer L{2} {{ get; }}",
        "[Concat({5}, {6})] public partial Layer L{2} {{ get; }}",
        "[Dot({5}, {6})] public partial Layer L{2} {{ get; }}",
        "[Concat()] public partial Layer L{2} {{ get; }}",
        "[Flatten][Dense({0})] public partial Layer L{2} {{ get; }}",
        "[Reshape({0}, {3}, {3})] public partial Layer L{2} {{ get; }}",
        "[Reshape({0})] public partial Layer L{2} {{ get; }}",
        "[Input({0}, Ids = true)] public partial Layer L{2} {{ get; }}",
        "[Embedding({0}, {3}, From = {5})] public partial Layer L{2} {{ get; }}",
    ];

    private const int Samples = 400;

    [Fact]
    public void MalformedCorpus_YieldsAxonDiagnosticsOnly()
    {
        var rng = new Random(1234);
        int withDiagnostics = 0;
        for (int sample = 0; sample < Samples; sample++)
        {
            var source = new StringBuilder("using Axon;\n");
            source.Append($"[Model({Losses[rng.Next(Losses.Length)]})]");
            source.Append(Inputs[rng.Next(Inputs.Length)]);
            source.Append(Optimizers[rng.Next(Optimizers.Length)]);
            source.Append(rng.Next(10) == 0 ? " public class M\n{\n" : " public partial class M\n{\n");
            int members = rng.Next(0, 5);
            for (int m = 0; m < members; m++)
            {
                string template = rng.Next(2) == 0 ? Members[rng.Next(Members.Length)] : Members[0];
                source.AppendLine(string.Format(template, Sizes[rng.Next(Sizes.Length)], Activations[rng.Next(Activations.Length)], m % 3,
                    Windows[rng.Next(Windows.Length)], Rates[rng.Next(Rates.Length)], References[rng.Next(References.Length)], References[rng.Next(References.Length)]));
            }
            source.Append("}\n");
            string text = source.ToString();

            var withoutGenerator = GeneratorHarness.Compile(text).GetDiagnostics()
                .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Select(d => d.Id).ToHashSet();
            var result = GeneratorHarness.Run(text);
            Assert.Null(result.Run.Results.Single().Exception);
            Assert.DoesNotContain(result.Output.GetDiagnostics(), d => d.Id == "AD0001");
            var added = result.CompilerErrors
                .Where(d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true
                            || !withoutGenerator.Contains(d.Id))
                .Where(d => d.Id != "CS9248")   // "partial property must have an implementation": only when the user's declaration cannot take one
                // A model class without 'partial' (AXN0001): its layer properties are implemented in a partial re-declaration, so C#
                // reports one CS0260 on the name AXN0001 marks instead of CS0751 + CS9248 per layer (NotPartialModelTests).
                .Where(d => !(d.Id == "CS0260" && withoutGenerator.Contains("CS0751") && result.AxonDiagnostics.Any(a => a.Id == "AXN0001" && a.Location.SourceSpan == d.Location.SourceSpan)))
                .ToList();
            Assert.True(added.Count == 0, $"sample {sample} added C# errors:\n{text}\n{string.Join("\n", added)}");
            if (result.AxonDiagnostics.Count > 0) withDiagnostics++;
        }
        Assert.True(withDiagnostics > Samples * 2 / 3, $"only {withDiagnostics} of {Samples} malformed samples got an Axon diagnostic");
    }
}
