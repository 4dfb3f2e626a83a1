using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Axon.Package.Tests;

/// <summary>
/// Lesson 4 (examples/AdversarialRobustness) run end to end on the committed Fashion-MNIST subset, small enough for the
/// suite (one epoch, 100 test images: about 4 s): the built program, as a reader runs it, with its files checked.
/// The other lessons have their own tests of the code they show; this one had only its command line tested.
/// </summary>
public class ExampleRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void AdversarialRobustness_SmallRun_WritesReportsWhoseFiguresHoldTogether()
    {
        string dll = Repository.PathOf("examples", "AdversarialRobustness", "bin", Repository.Configuration, "net10.0", "AdversarialRobustness.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var folder = Directory.CreateTempSubdirectory("axon-lesson4-");
        try
        {
            var result = DotNet.Run(folder.FullName, null, Timeout,
                [dll, Repository.PathOf("data", "fashion-mnist"), "--subset", "--epochs", "1", "--samples", "100"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("All sanity checks of the measurement passed.", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("FAIL:", result.Output, StringComparison.Ordinal);

            foreach (string svg in new[] { "robustness.svg", "robustness-defences.svg" })
                Assert.StartsWith("<svg ", File.ReadAllText(Path.Combine(folder.FullName, svg)), StringComparison.Ordinal);

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.FullName, "robustness.json")));
            var root = json.RootElement;
            Assert.Equal(
                new[] { "standard", "FGSM-trained", "PGD-trained", "TRADES-trained", "noise-trained", "squeezed-1-bit", "squeezed-2-bit", "squeezed-3-bit" },
                root.EnumerateObject().Select(p => p.Name).ToArray());

            var standard = root.GetProperty("standard");
            Assert.Equal(100, standard.GetProperty("samples").GetInt32());
            Assert.True(standard.GetProperty("allChecksPassed").GetBoolean());
            double clean = standard.GetProperty("cleanAccuracy").GetDouble();
            Assert.InRange(clean, 0.5, 1.0);   // one epoch on the subset: 0.71 on this machine, far above chance (0.1)
            var results = standard.GetProperty("results").EnumerateArray().ToArray();
            foreach (var row in results)
            {
                // Every row is consistent with itself: accuracy = correct / samples, ε = 0 changes nothing.
                double accuracy = row.GetProperty("robustAccuracy").GetDouble();
                Assert.Equal(row.GetProperty("robustCorrect").GetInt32() / 100.0, accuracy, 9);
                Assert.True(accuracy <= clean + 1e-9, $"{row}: an attack cannot raise accuracy above the clean {clean}");
                if (row.GetProperty("epsilon").GetDouble() == 0) Assert.Equal(clean, accuracy, 9);
            }
            // The strongest L∞ attack at ε = 0.1 takes a standard model well below its clean accuracy.
            double pgd = results.Single(r => r.GetProperty("attack").GetString() == "PGD-10" && Math.Abs(r.GetProperty("epsilon").GetDouble() - 0.1) < 1e-6)
                .GetProperty("robustAccuracy").GetDouble();
            Assert.True(pgd < clean - 0.2, $"PGD-10 at ε 0.1 left {pgd} of {clean}");

            // Adversarial training buys robustness at ε 0.1 over the standard model (0.46-0.48 against 0.26 on this machine).
            double PgdOf(string model) => root.GetProperty(model).GetProperty("results").EnumerateArray()
                .Single(r => r.GetProperty("attack").GetString() == "PGD-10" && Math.Abs(r.GetProperty("epsilon").GetDouble() - 0.1) < 1e-6)
                .GetProperty("robustAccuracy").GetDouble();
            Assert.True(PgdOf("PGD-trained") > pgd + 0.05, $"PGD-trained {PgdOf("PGD-trained")} vs standard {pgd}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
