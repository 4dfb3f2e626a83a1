using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Axon.Package.Tests;

/// <summary>
/// What a new user does: a fresh <c>dotnet new console</c>, <c>dotnet add package Axon</c> from a local feed,
/// the README's getting-started code, <c>dotnet run</c>. One source of truth: the code is read from README.md.
/// </summary>
public sealed class ConsumerTests(PackedFeed feed, ITestOutputHelper output) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(4);

    [Fact]
    public void Pack_HoldsRuntimeDslGeneratorsCodeFixesReadmeAndHelpPages()
    {
        Assert.True(feed.Pack.ExitCode == 0, $"dotnet pack failed: {feed.Pack}");
        using var zip = ZipFile.OpenRead(feed.PackagePath);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (string expected in new[]
        {
            "lib/net10.0/Axon.Runtime.dll", "lib/net10.0/Axon.Runtime.xml", "lib/net10.0/Axon.Dsl.dll", "lib/net10.0/Axon.Dsl.xml",
            "analyzers/dotnet/cs/Axon.Generators.dll", "analyzers/dotnet/cs/Axon.CodeFixes.dll",
            "buildTransitive/Axon.targets", "README.md", "docs/diagnostics/README.md", "docs/diagnostics/AXN0001.md",
        })
        {
            Assert.Contains(expected, names);
        }
        int helpPages = Directory.GetFiles(Repository.PathOf("docs", "diagnostics"), "AXN*.md").Length;
        Assert.Equal(helpPages, names.Count(n => Regex.IsMatch(n, @"^docs/diagnostics/AXN\d{4}\.md$")));

        string nuspec = new StreamReader(zip.GetEntry("Axon.nuspec")!.Open()).ReadToEnd();
        Assert.Contains("<id>Axon</id>", nuspec, StringComparison.Ordinal);
        Assert.Contains($"<version>{feed.Version}</version>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
        Assert.Contains("id=\"System.Numerics.Tensors\"", nuspec, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"Axon.Dsl\"", nuspec, StringComparison.Ordinal);   // packed inside, not a dependency
    }

    [Fact]
    public void ReadmeCode_InFreshConsoleProject_BuildsTrainsAndPrintsTestAccuracy()
    {
        Assert.True(feed.Pack.ExitCode == 0, $"dotnet pack failed: {feed.Pack}");
        var code = ReadmeCode.Extract(File.ReadAllText(Repository.PathOf("README.md")));
        Assert.Contains("Program.cs", code.Keys);

        var clock = Stopwatch.StartNew();
        string app = CreateConsumer("FashionDemo");
        File.Delete(Path.Combine(app, "Program.cs"));
        foreach (var (name, text) in code) File.WriteAllText(Path.Combine(app, name), text);
        CopyDirectory(Repository.PathOf("data", "fashion-mnist"), Path.Combine(app, "data", "fashion-mnist"));

        var build = Run(app, "build", "-c", "Release", "--disable-build-servers", "-tl:off");
        Assert.True(build.ExitCode == 0, $"the README's code does not build from the package: {build}");
        var run = Run(app, Path.Combine(app, "bin", "Release", "net10.0", "FashionDemo.dll"));
        clock.Stop();
        output.WriteLine(run.Output);
        output.WriteLine($"from dotnet new to a trained model: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, $"the README's program failed: {run}");

        var accuracy = Regex.Match(run.Output, @"^test accuracy: (?<value>[0-9.]+)$", RegexOptions.Multiline);
        Assert.True(accuracy.Success, $"no 'test accuracy:' line in\n{run.Output}");
        double value = double.Parse(accuracy.Groups["value"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(value, 0.75, 1.0);   // 5 epochs on the committed subset reach ~0.83; chance is 0.10
        Assert.Matches(@"(?m)^first test image: predicted [A-Za-z /-]+, labelled Ankle boot$", run.Output);
        Assert.True(File.Exists(Path.Combine(app, "fashion.safetensors")), "the program saved no model file");
    }

    [Fact]
    public void ModelError_InAConsumerProject_HelpLinkOpensThePageShippedInThePackage()
    {
        Assert.True(feed.Pack.ExitCode == 0, $"dotnet pack failed: {feed.Pack}");
        string app = CreateConsumer("BrokenModel");
        File.WriteAllText(Path.Combine(app, "Program.cs"),
            "using Axon;\n[Model(Loss = Loss.MeanSquaredError)][Input(4)] public partial class M { [Dense(-3)] public partial Layer H { get; } [Dense(1)] public partial Layer O { get; } }\n");
        string sarif = Path.Combine(app, "errors.sarif");

        var build = Run(app, "build", "-c", "Release", "--disable-build-servers", "-tl:off", $"-p:ErrorLog={sarif}%2Cversion=2.1");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error AXN0101", build.Output, StringComparison.Ordinal);

        // The IDE shows the rule's helpUri; the compiler's SARIF log carries the same descriptor.
        using var log = System.Text.Json.JsonDocument.Parse(File.ReadAllText(sarif));
        var rule = log.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules")
            .EnumerateArray().Single(r => r.GetProperty("id").GetString() == "AXN0101");
        var link = new Uri(rule.GetProperty("helpUri").GetString()!);
        Assert.True(link.IsFile, $"help link {link} is not the shipped page");
        Assert.True(File.Exists(link.LocalPath), $"help link {link} does not resolve");
        Assert.Contains(Path.Combine("axon", feed.Version.ToLowerInvariant(), "docs", "diagnostics"), link.LocalPath, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(File.ReadAllText(Repository.PathOf("docs", "diagnostics", "AXN0101.md")), File.ReadAllText(link.LocalPath));
    }

    [Fact]
    public void ProjectReferencingRuntimeWithoutGenerator_FailsWithOneErrorSayingWhatToAdd()
    {
        // A clone's project (inside the repository, so Directory.Build.targets applies as it does to examples/ and
        // tests/) with the README's model and a ProjectReference to the runtime, but none to the generator.
        string probe = Path.Combine(Repository.PathOf("tests", "Package.Tests", "obj"), "no-generator-probe-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(probe);
        try
        {
            foreach (var (name, text) in ReadmeCode.Extract(File.ReadAllText(Repository.PathOf("README.md"))))
                File.WriteAllText(Path.Combine(probe, name), text);
            File.WriteAllText(Path.Combine(probe, "Probe.csproj"),
                "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework></PropertyGroup>\n" +
                $"  <ItemGroup><ProjectReference Include=\"{Repository.PathOf("src", "Runtime", "Axon.Runtime.csproj")}\" /></ItemGroup>\n</Project>\n");

            var build = Run(probe, "build", "Probe.csproj", "-c", Repository.Configuration, "-p:BuildProjectReferences=false", "--disable-build-servers", "-tl:off", "-clp:NoSummary");
            Assert.NotEqual(0, build.ExitCode);
            var errors = build.Output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToList();
            Assert.True(errors.Count == 1, $"expected one error, got {errors.Count}:\n{build.Output}");
            Assert.Contains("error AXN0000", errors[0], StringComparison.Ordinal);
            Assert.Contains("Axon.Generators.csproj\" OutputItemType=\"Analyzer\"", errors[0], StringComparison.Ordinal);
            Assert.Contains("PackageReference Include=\"Axon\"", errors[0], StringComparison.Ordinal);
            Assert.DoesNotContain("CS9248", build.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(probe, recursive: true);
        }
    }

    /// <summary>The README's install steps: dotnet new console, a nuget.config with the local feed, dotnet add package Axon.</summary>
    private string CreateConsumer(string name)
    {
        string app = Path.Combine(feed.Directory, name);
        Check(Run(feed.Directory, "new", "console", "-o", app, "--no-restore"));
        Check(Run(app, "new", "nugetconfig"));
        feed.AddFallbackFolder(Path.Combine(app, "nuget.config"));
        Check(Run(app, "nuget", "add", "source", feed.Feed, "--name", "axon-local", "--configfile", "nuget.config"));
        Check(Run(app, "add", "package", "Axon", "--version", feed.Version));
        return app;
    }

    private DotNet.Result Run(string directory, params string[] arguments)
    {
        var result = DotNet.Run(directory, feed.ConsumerEnvironment, Step, arguments);
        output.WriteLine($"> dotnet {string.Join(' ', arguments)}: exit code {result.ExitCode}");
        return result;
    }

    private static void Check(DotNet.Result result) => Assert.True(result.ExitCode == 0, result.ToString());

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
