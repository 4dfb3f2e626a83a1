using System;
using System.IO;
using System.Linq;
using Xunit;

namespace Axon.Package.Tests;

/// <summary>
/// Every example, run as a process: <c>--help</c> prints the options and exits 0; a bad, missing or out-of-range value,
/// an unknown option and a folder that does not exist print one line saying what was expected and exit 2, with no stack trace.
/// </summary>
public sealed class ExampleCommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Each example, an integer option it takes, whether it takes a data folder, and whether that option is range-checked
    /// by the parser (ExampleCommandLine.PositiveInt).
    /// </summary>
    public static TheoryData<string, string, bool, bool> Examples => new()
    {
        { "FashionMnist", "--epochs", true, true },
        { "FashionCnn", "--batch", true, true },
        { "ResidualMlp", "--epochs", true, true },
        { "TransferLearning", "--per-class", true, true },
        { "AdversarialRobustness", "--samples", true, true },
        { "CreditRisk", "--splits", false, true },
        { "FraudDetection", "--splits", false, true },
        { "Recommender", "--folds", true, true },
        { "MarketPrediction", "--seeds", false, true },
        { "DistributedFashion", "--epochs", true, true },
        { "ModelSecurity", "--members", true, true },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Help_PrintsUsageAndOptions_ExitsZero(string example, string option, bool takesFolder, bool rangeChecked)
    {
        var result = Run(example, "--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains(option, result.Output, StringComparison.Ordinal);
        Assert.Equal(takesFolder, result.Output.Contains("<folder>", StringComparison.Ordinal));
        Assert.True(rangeChecked || !takesFolder);   // every folder-taking example uses the shared helpers
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void BadValues_PrintOneLineSayingWhatWasExpected_ExitTwo(string example, string option, bool takesFolder, bool rangeChecked)
    {
        AssertUsageError(Run(example, option), $"Required argument missing for option: '{option}'");
        AssertUsageError(Run(example, option, "abc"), $"Cannot parse argument 'abc' for option '{option}'");
        if (rangeChecked)
            AssertUsageError(Run(example, option, "0"), $"{option} expects a positive integer, but was given 0");
        AssertUsageError(Run(example, "--no-such-option"), "--no-such-option");
        if (takesFolder)
        {
            string missing = Path.Combine(Path.GetTempPath(), "axon-no-such-folder-" + Guid.NewGuid().ToString("N"));
            AssertUsageError(Run(example, missing), $"the data folder '{missing}' does not exist");
        }
    }

    [Fact]
    public void FolderWithoutTheDataFiles_PrintsOneLineNamingTheMissingFile_ExitsTwo()
    {
        var empty = Directory.CreateTempSubdirectory("axon-empty-data-");
        try
        {
            AssertUsageError(Run("FashionMnist", empty.FullName), "train-images-idx3-ubyte.gz");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static void AssertUsageError(DotNet.Result result, string expected)
    {
        Assert.True(result.ExitCode == 2, $"expected exit code 2 for a usage error: {result}");
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line: {result}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", lines[0], StringComparison.Ordinal);
    }

    private static DotNet.Result Run(string example, params string[] arguments)
    {
        string dll = Repository.PathOf("examples", example, "bin", Repository.Configuration, "net10.0", example + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return DotNet.Run(Path.GetTempPath(), null, Timeout, [dll, .. arguments]);
    }
}
