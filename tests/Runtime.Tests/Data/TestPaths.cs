using System;
using System.IO;

namespace Axon.Runtime.Tests.Data;

/// <summary>Finds files in the repository by walking up from the test assembly to the folder holding Dsl.sln.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Dsl.sln")))
                    return dir.FullName;
            throw new DirectoryNotFoundException($"no folder containing Dsl.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string FashionSubset => Path.Combine(RepositoryRoot, "data", "fashion-mnist");
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "axon-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
