using System.Linq;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// Valid graphs over input members must compile: every reader pattern of an input member (read once, read twice,
/// the only member, beside another) goes through the backward pass's gradient bookkeeping differently.
/// </summary>
public class InputMemberGraphTests
{
    [Theory]
    [InlineData("[Input(2)] public partial Layer A { get; }\n[Dense(1, From = nameof(A))] public partial Layer Score { get; }")]
    [InlineData("[Input(2)] public partial Layer A { get; }\n[Dense(1)] public partial Layer Score { get; }")]
    [InlineData("[Input(2)] public partial Layer A { get; }\n[Dense(3, From = nameof(A))] public partial Layer H { get; }\n[Dense(3, From = nameof(A))] public partial Layer K { get; }\n[Add(nameof(H), nameof(K))] public partial Layer S { get; }\n[Dense(1)] public partial Layer Score { get; }")]
    [InlineData("[Input(2)] public partial Layer A { get; }\n[Input(3)] public partial Layer B { get; }\n[Concat(nameof(A), nameof(B))] public partial Layer J { get; }\n[Dense(1)] public partial Layer Score { get; }")]
    public void InputMemberGraph_CompilesWithoutErrors(string members)
    {
        string source = "using Axon;\n[Model(Loss = Loss.BinaryCrossEntropy)]\npublic partial class P\n{\n" + members + "\n}\n";
        var result = GeneratorHarness.Run(source);
        Assert.Null(result.Run.Results.Single().Exception);
        Assert.DoesNotContain(result.AxonDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        Assert.True(result.CompilerErrors.Count == 0, string.Join("\n", result.CompilerErrors));
    }
}
