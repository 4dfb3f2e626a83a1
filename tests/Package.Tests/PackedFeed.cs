using System;
using System.Collections.Generic;
using System.IO;
using System.Xml.Linq;

namespace Axon.Package.Tests;

/// <summary>
/// Packs the repository's build into a temporary local feed, once for the test class, under a version no
/// other build uses (the base version from Directory.Build.props plus a unique pre-release tag), so the
/// consumers can never restore a stale copy from a package cache. Consumers restore into a private
/// packages folder that falls back to the machine's, so System.Numerics.Tensors comes from the cache or
/// the NuGet registry and nothing Axon-related is left behind.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("axon-package-test-").FullName;
        Feed = Path.Combine(Directory, "feed");
        Packages = Path.Combine(Directory, "packages");
        Version = $"{Repository.Version}-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{System.Environment.ProcessId}";
        Pack = DotNet.Run(Repository.Root, null, TimeSpan.FromMinutes(5),
            "pack", Repository.PathOf("src", "Runtime", "Axon.Runtime.csproj"), "-c", Repository.Configuration,
            "--no-build", "-o", Feed, $"-p:PackageVersion={Version}");
        PackagePath = Path.Combine(Feed, $"Axon.{Version}.nupkg");
    }

    public string Directory { get; }

    public string Feed { get; }

    public string Packages { get; }

    public string Version { get; }

    public DotNet.Result Pack { get; }

    public string PackagePath { get; }

    /// <summary>What every consumer command runs with: the private packages folder.</summary>
    public IReadOnlyDictionary<string, string> ConsumerEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    /// <summary>Adds the machine's packages folder as a fallback to the nuget.config that <c>dotnet new nugetconfig</c> wrote.</summary>
    public void AddFallbackFolder(string nugetConfig)
    {
        string machine = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var document = XDocument.Load(nugetConfig);
        document.Root!.Add(new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machine))));
        document.Save(nugetConfig);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }   // a leftover temp folder is no test failure
        catch (UnauthorizedAccessException) { }
    }
}
