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
    private static readonly string[] Inputs = ["", "[Input(4)]", "[Input(0)]", "[Input(1, 28, 28)]", "[Input(2, 2)]", "[Input(int.MaxValue)]", "[Input(3, Min = 1f, Max = -1f)]", "[Input(3, Min = float.NaN)]"];
    private static readonly string[] Optimizers = ["", "[Adam]", "[Sgd(Nesterov = true)]", "[AdamW(LearningRate = 0f)]", "[Adam][Sgd]", "[Adam(Beta1 = 1f)]"];
    private static readonly string[] Members =
    [
        "[Dense({0}, {1})] public partial Layer L{2} {{ get; }}",
        "[Dense({0})] public Layer L{2} {{ get; }}",
        "[Dense({0})] public partial Layer L{2} {{ get; set; }}",
        "[Dense({0})] public static partial Layer L{2} {{ get; }}",
        "[Dense({0})] public partial int L{2} {{ get; }}",
        "public void Predict() {{ }}",
        "[Dense({0}, {1})] internal partial Layer l{2} {{ get; }}",
    ];

    [Fact]
    public void MalformedCorpus_YieldsAxonDiagnosticsOnly()
    {
        var rng = new Random(1234);
        int withDiagnostics = 0;
        for (int sample = 0; sample < 220; sample++)
        {
            var source = new StringBuilder("using Axon;\n");
            source.Append($"[Model({Losses[rng.Next(Losses.Length)]})]");
            source.Append(Inputs[rng.Next(Inputs.Length)]);
            source.Append(Optimizers[rng.Next(Optimizers.Length)]);
            source.Append(rng.Next(10) == 0 ? " public class M\n{\n" : " public partial class M\n{\n");
            int members = rng.Next(0, 5);
            for (int m = 0; m < members; m++)
            {
                string template = rng.Next(3) == 0 ? Members[rng.Next(Members.Length)] : Members[0];
                source.AppendLine(string.Format(template, Sizes[rng.Next(Sizes.Length)], Activations[rng.Next(Activations.Length)], m % 3));
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
                .ToList();
            Assert.True(added.Count == 0, $"sample {sample} added C# errors:\n{text}\n{string.Join("\n", added)}");
            if (result.AxonDiagnostics.Count > 0) withDiagnostics++;
        }
        Assert.True(withDiagnostics > 150, $"only {withDiagnostics} of 220 malformed samples got an Axon diagnostic");
    }
}
