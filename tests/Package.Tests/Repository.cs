using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace Axon.Package.Tests;

/// <summary>Where the repository is, and the build configuration and version this test assembly was built with.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    /// <summary>Release under CI: the configuration whose build the tests pack without building again.</summary>
    public static string Configuration { get; } = Metadata("Configuration");

    /// <summary>The version in Directory.Build.props.</summary>
    public static string Version { get; } = Metadata("AxonVersion");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata '{key}' missing: see Axon.Package.Tests.csproj");
}
