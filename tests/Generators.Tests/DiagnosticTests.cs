using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// One case per diagnostic: the source marks the expected squiggle with <c>[| |]</c>; the test
/// requires exactly that diagnostic on exactly that span, and no C# error anywhere (no cascade).
/// </summary>
public class DiagnosticTests
{
    private const string Head = "using Axon;\n";

    public static IEnumerable<object[]> Cases() => new (string Id, string Source)[]
    {
        ("AXN0001", "[Model(Loss = Loss.MeanSquaredError)][Input(2)] public class [|NotPartial|] { }"),
        ("AXN0002", "[Model(Loss = Loss.MeanSquaredError)] public partial class [|NoInput|] { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0003", "[Model(Loss = Loss.MeanSquaredError)][Input(4, [|0|], 2)] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0004", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class [|Empty|] { }"),
        ("AXN0005", "[[|Model|]][Input(4)] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0006", "[Model(Loss = Loss.MeanSquaredError, [|MaxBatchSize = 0|])][Input(4)] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0007", "[Model(Loss = Loss.MeanSquaredError)][Input(4, [|Min = 1f|], Max = 0f)] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0008", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class [|G|]<T> { }"),
        ("AXN0009", "public class Outer { [Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class [|M|] { } }"),
        ("AXN0010", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(1, [|(Activation)99|])] public partial Layer O { get; } }"),
        ("AXN0011", "[Model(Loss = Loss.MeanSquaredError)][[|Input(4)|]] public partial class M { [Input(2)] public partial Layer A { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0012", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(1)] public partial Layer O { get; } public [|M|]() { } }"),
        ("AXN0013", "[Model(Loss = Loss.MeanSquaredError, [|MaxBatchSize = int.MaxValue|])][Input(4)] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0013", "[Model(Loss = Loss.MeanSquaredError, [|MaxBatchSize = 1 << 20|])][Input(4096)] public partial class M { [Dense(4096)] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0101", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense([|-3|])] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0102", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(1)] public partial Layer [|O|] { get; set; } }"),
        ("AXN0103", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(3)] public partial Layer Hidden { get; } [Dense(1)] public partial Layer [|hidden|] { get; } }"),
        ("AXN0104", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(1)] public partial Layer O { get; } public void [|Predict|]() { } }"),
        ("AXN0105", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(3, Activation.LeakyRelu, [|NegativeSlope = -1f|])] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0106", "[Model(Loss = Loss.MeanSquaredError)][Input(784)] public partial class M { [Dense([|2000000000|])] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 8, 8)] public partial class M { [Conv2D(4, 3, [|Stride = 0|])] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dropout([|1.5f|])] public partial Layer D { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [BatchNorm([|Epsilon = 0f|])] public partial Layer N { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 8, 8)] public partial class M { [Conv2D(4, 3, [|Activation.Softmax|])] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0108", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(1)][[|Dropout|](0.5f)] public partial Layer O { get; } }"),
        ("AXN0109", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(3)] public partial Layer A { get; } [Dense(1, [|From = \"Hiden\"|])] public partial Layer O { get; } }"),
        ("AXN0109", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(4)] public partial Layer A { get; } [Add(nameof(A), [|\"B\"|])] public partial Layer S { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0110", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(3, [|From = nameof(O)|])] public partial Layer A { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0110", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(4)] public partial Layer A { get; } [Add(nameof(A), [|nameof(S)|])] public partial Layer S { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M { [[|Conv2D|](4, 3)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M { [[|GlobalAveragePool|]] public partial Layer G { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M { [[|BatchNorm|]] public partial Layer N { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)] public partial class M { [Flatten] public partial Layer F { get; } [Dense(4, From = Graph.Input)] public partial Layer D { get; } [Concat(nameof(F), [|nameof(D)|])] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(10, 3)] public partial class M { [Dense(8)] public partial Layer H { get; } [Dense([|3|])] public partial Layer O { get; } }"),
        ("AXN0404", "[Model(Loss = Loss.MeanSquaredError)][Input(10, 3)][LoRA(2, [|nameof(Hidden)|])] public partial class M { [Dense(8)] public partial Layer Hidden { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(12)] public partial class M { [[|Conv1D|](4, 3)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0140", "[Model(Loss = Loss.MeanSquaredError)][Input(2, 4, 4)] public partial class M { [[|GlobalMaxPool1D|]] public partial Layer G { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(5, 2)] public partial class M { [Conv1D(4, [|3|], Dilation = 3)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(6, 2)] public partial class M { [MaxPool1D(2, [|Padding = Padding.Causal|])] public partial Layer P { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 6, 6)] public partial class M { [Conv2D(2, 3, [|Padding = Padding.Causal|])] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(6, 2)] public partial class M { [Conv1D(4, 2, [|Dilation = 0|])] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0201", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)] public partial class M { [Dense(10, [|Activation.Softmax|])] public partial Layer O { get; } }"),
        ("AXN0202", "[Model(Loss = Loss.BinaryCrossEntropy)][Input(4)] public partial class M { [Dense(1, [|Activation.Sigmoid|])] public partial Layer O { get; } }"),
        ("AXN0203", "[Model(Loss = Loss.BinaryCrossEntropy)][Input(4)] public partial class M { [Dense([|10|])] public partial Layer O { get; } }"),
        ("AXN0204", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)] public partial class M { [Dense([|1|])] public partial Layer O { get; } }"),
        ("AXN0205", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 28, 28)] public partial class M { [Dense([|10|])] public partial Layer O { get; } }"),
        ("AXN0205", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 8, 8)] public partial class M { [Conv2D(4, 3)] public partial Layer C { get; } [Dense([|10|])] public partial Layer O { get; } }"),
        ("AXN0206", "[Model(Loss = Loss.MeanSquaredError)][Input(64)] public partial class M { [[|Conv2D|](8, 3)] public partial Layer C { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0206", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 8, 8)] public partial class M { [Flatten] public partial Layer F { get; } [[|MaxPool2D|](2)] public partial Layer P { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0207", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 4, 4)] public partial class M { [Conv2D(8, [|5|])] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0207", "[Model(Loss = Loss.MeanSquaredError)][Input(3, 8, 8)] public partial class M { [Conv2D(4, 3)] public partial Layer C { get; } [MaxPool2D([|7|])] public partial Layer P { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0208", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(8)] public partial Layer A { get; } [Dense(6)] public partial Layer B { get; } [Add(nameof(A), [|nameof(B)|])] public partial Layer S { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0208", "[Model(Loss = Loss.MeanSquaredError)][Input(2, 8, 8)] public partial class M { [Conv2D(4, 3)] public partial Layer C { get; } [Concat(nameof(C), [|Graph.Input|])] public partial Layer J { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0208", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(8)] public partial Layer A { get; } [Dense(3)] public partial Layer B { get; } [Dot(nameof(A), [|nameof(B)|])] public partial Layer O { get; } }"),
        ("AXN0209", "[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(8)] public partial Layer [|Unused|] { get; } [Dense(1, From = Graph.Input)] public partial Layer O { get; } }"),
        ("AXN0211", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(3)] public partial Layer A { get; } [Input(2)] public partial Layer [|B|] { get; } [Dense(1, From = nameof(A))] public partial Layer O { get; } }"),
        ("AXN0210", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(2)] public partial Layer Ids { get; } [[|Embedding|](10, 4)] public partial Layer E { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0210", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(2, Ids = true)] public partial Layer Ids { get; } [Input(3)] public partial Layer F { get; } [Embedding(10, 4, [|From = nameof(F)|])] public partial Layer E { get; } [Concat(nameof(E), nameof(Ids))] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0301", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][Adam][[|Sgd|]] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0302", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][Adam([|LearningRate = -1f|])] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0303", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][Sgd([|Nesterov = true|])] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining([|-0.1f|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(float.NaN, Method = Axon.Adversarial.AdversarialMethod.Pgd)] public partial class M { [Dense(3)] public partial Layer O { get; } }".Replace("float.NaN", "[|float.NaN|]")),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(0.1f, [|Alpha = 1.5|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(0.1f, Method = Axon.Adversarial.AdversarialMethod.Pgd, [|Steps = 0|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(0.1f, [|StepSize = -0.01f|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(0.1f, Method = Axon.Adversarial.AdversarialMethod.Trades, [|Beta = double.PositiveInfinity|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0304", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][AdversarialTraining(0.1f, [|Method = Axon.Adversarial.AdversarialMethod.Trades|])] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0310", "[Model(Loss = Loss.MeanSquaredError)][Input(4, [|Immutable = true|])] public partial class M { [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0310", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(1, Ids = true, [|Immutable = true|])] public partial Layer A { get; } [Input(2)] public partial Layer B { get; } [Embedding(5, 2, From = nameof(A))] public partial Layer E { get; } [Concat(nameof(E), nameof(B))] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0310", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(2, Immutable = true, [|Integer = true|])] public partial Layer A { get; } [Input(2)] public partial Layer B { get; } [Concat(nameof(A), nameof(B))] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0310", "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(2, Integer = true, [|Max = 9.5f|])] public partial Layer A { get; } [Input(2)] public partial Layer B { get; } [Concat(nameof(A), nameof(B))] public partial Layer J { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0010", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][AdversarialTraining(0.1f, [|Method = (Axon.Adversarial.AdversarialMethod)7|])] public partial class M { [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0401", "public class NotAModel { } [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][TransferFrom([|typeof(NotAModel)|], \"Hidden\")] public partial class M { [Dense(8)] public partial Layer Hidden { get; } [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0402", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)] public partial class P { [Dense(8, Activation.Relu)] public partial Layer Hidden { get; } [Dense(5)] public partial Layer Logits { get; } } [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][TransferFrom(typeof(P), [|\"Hiden\"|])] public partial class M { [Dense(8, Activation.Relu)] public partial Layer Hidden { get; } [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0402", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)] public partial class P { [Dense(8, Activation.Relu)] public partial Layer Hidden { get; } [Dense(5)] public partial Layer Logits { get; } } [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][TransferFrom(typeof(P), [|\"Body=Hiden\"|])] public partial class M { [Dense(8, Activation.Relu)] public partial Layer Body { get; } [Dense(3)] public partial Layer O { get; } }"),
        ("AXN0403", "[Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)] public partial class P { [Dense(8, Activation.Relu)] public partial Layer Hidden { get; } [Dense(5)] public partial Layer Logits { get; } } [Model(Loss = Loss.SoftmaxCrossEntropy)][Input(4)][TransferFrom(typeof(P), nameof(Hidden), [|nameof(Logits)|])] public partial class M { [Dense(8, Activation.Relu)] public partial Layer Hidden { get; } [Dense(3)] public partial Layer Logits { get; } }"),
        ("AXN0404", "[Model(Loss = Loss.MeanSquaredError)][Input(1, 6, 6)][LoRA(2, [|nameof(C)|])] public partial class M { [Conv2D(4, 3)] public partial Layer C { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0404", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][LoRA(2, [|\"Hiden\"|])] public partial class M { [Dense(8)] public partial Layer Hidden { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(4)][LoRA([|9|], nameof(Hidden))] public partial class M { [Dense(8)] public partial Layer Hidden { get; } [Dense(1)] public partial Layer O { get; } }"),
        ("AXN0107", "[Model(Loss = Loss.MeanSquaredError)][Input(784)] public partial class M { [Reshape([|1|], 28, 27)] public partial Layer R { get; } [Flatten] public partial Layer F { get; } [Dense(1)] public partial Layer O { get; } }"),
    }.Select(c => new object[] { c.Id, c.Source });

    [Theory]
    [MemberData(nameof(Cases))]
    public void Diagnostic_LandsOnTheOffendingSyntax(string id, string markup)
    {
        string marked = Head + markup;
        int start = marked.IndexOf("[|", System.StringComparison.Ordinal);
        int end = marked.IndexOf("|]", System.StringComparison.Ordinal) - 2;
        string source = marked.Replace("[|", "").Replace("|]", "");

        var result = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(result.AxonDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(TextSpan.FromBounds(start, end), diagnostic.Location.SourceSpan);
        Assert.True(diagnostic.Location.IsInSource, "a real source location, so #pragma warning disable applies");
        Assert.Empty(result.CompilerErrors);
        Assert.Null(result.Run.Results.Single().Exception);
    }

    [Fact]
    public void EveryDescriptor_HasATestCase_AndAHelpPage()
    {
        var tested = Cases().Select(c => (string)c[0]).ToHashSet();
        foreach (var descriptor in Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.Contains(descriptor.Id, tested);
            Assert.Equal("", descriptor.HelpLinkUri);   // set where reported, from AxonHelpRoot (HelpLinkTests)
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(RepoRoot(), "docs", "diagnostics", descriptor.Id + ".md")), $"help page for {descriptor.Id}");
        }
    }

    [Fact]
    public void InputReadOnlyByADeadBranch_IsReported_AndSoIsTheDeadLayer()
    {
        // B is read (by Dead), but Dead leads nowhere: AXN0211 on B says why, AXN0209 on Dead.
        var result = GeneratorHarness.Run(Head + "[Model(Loss = Loss.MeanSquaredError)] public partial class M { [Input(3)] public partial Layer A { get; } [Input(2)] public partial Layer B { get; } [Dense(4)] public partial Layer Dead { get; } [Dense(1, From = nameof(A))] public partial Layer O { get; } }");
        var ids = result.AxonDiagnostics.Select(d => d.Id).OrderBy(id => id).ToArray();
        Assert.Equal(new[] { "AXN0209", "AXN0211" }, ids);
        var input = result.AxonDiagnostics.Single(d => d.Id == "AXN0211");
        Assert.Contains("'B'", input.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("leads to an output that is never used", input.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.CompilerErrors);
    }

    [Fact]
    public void EveryDescriptorField_IsInTheCatalogue()
    {
        // The generator looks descriptors up by ID (ModelPlanner reads their severity); one missing
        // from All would make the generator throw on the first model that reports it.
        var fields = typeof(Diagnostics.DiagnosticDescriptors)
            .GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Microsoft.CodeAnalysis.DiagnosticDescriptor))
            .Select(f => (Microsoft.CodeAnalysis.DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.NotEmpty(fields);
        foreach (var descriptor in fields)
            Assert.Contains(descriptor, Diagnostics.DiagnosticDescriptors.All);
    }

    internal static string RepoRoot()
    {
        var dir = new System.IO.DirectoryInfo(System.AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Dsl.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new System.InvalidOperationException("Dsl.sln not found above " + System.AppContext.BaseDirectory);
    }
}
