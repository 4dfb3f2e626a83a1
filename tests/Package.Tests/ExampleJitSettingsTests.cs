using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Axon.Package.Tests;

/// <summary>
/// The lessons that run for seconds turn the JIT's quick tier off in their project (docs/performance.md, "Time to steady
/// state": 13-47 % less CPU time); MarketPrediction, which trains small models for 15 s and gained nothing consistent, keeps
/// the runtime's default. The setting reaches each example's runtimeconfig.json, and a process started from it compiles
/// its own methods fully optimised on their first call instead of at tier 0.
/// </summary>
public sealed class ExampleJitSettingsTests
{
    private const string QuickJit = "System.Runtime.TieredCompilation.QuickJit";

    /// <summary>Each measured lesson and whether its project turns the quick tier off.</summary>
    public static TheoryData<string, bool> Lessons => new()
    {
        { "FashionMnist", true },
        { "FashionCnn", true },
        { "CreditRisk", true },
        { "MarketPrediction", false },
    };

    [Theory]
    [MemberData(nameof(Lessons))]
    public void RuntimeConfig_TurnsQuickJitOffWhereItPays(string example, bool off)
    {
        string path = Repository.PathOf("examples", example, "bin", Repository.Configuration, "net10.0", example + ".runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is not built");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement value = default;
        bool set = config.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var properties)
            && properties.TryGetProperty(QuickJit, out value);
        Assert.True(set == off, $"{path} should {(off ? "" : "not ")}set {QuickJit}:\n{File.ReadAllText(path)}");
        if (off) Assert.Equal(JsonValueKind.False, value.ValueKind);
    }

    [Fact]
    public void Example_CompilesItsMethodsFullyOptimisedOnFirstCall()
    {
        string dll = Repository.PathOf("examples", "FashionMnist", "bin", Repository.Configuration, "net10.0", "FashionMnist.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        string log = Path.Combine(Path.GetTempPath(), "axon-jit-" + Guid.NewGuid().ToString("N") + ".txt");
        try
        {
            // The JIT's own list of what it compiled, at which tier (a release runtime writes it).
            var environment = new Dictionary<string, string> { ["DOTNET_JitDisasmSummary"] = "1", ["DOTNET_JitStdOutFile"] = log };
            var result = DotNet.Run(Path.GetTempPath(), environment, TimeSpan.FromMinutes(2), dll, "--help");
            Assert.True(result.ExitCode == 0, result.ToString());
            string main = File.ReadLines(log).FirstOrDefault(l => l.Contains("Program:<Main>$", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"the JIT's list names no Program:<Main>$:\n{File.ReadAllText(log)}");
            Assert.Contains("[FullOpts", main, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(log);
        }
    }
}
