using System.IO;
using Xunit;

namespace Axon.Package.Tests;

public sealed class ReadmeCodeTests
{
    [Fact]
    public void Extract_JoinsMarkedBlocksPerFile_AndIgnoresUnmarkedOnes()
    {
        const string markdown = "# T\n<!-- compilable: A.cs -->\n```csharp\nclass A {}\n```\n\n```csharp\nclass Ignored {}\n```\n" +
                                "<!-- compilable: A.cs -->\n```csharp\nclass B {}\n```\n<!-- compilable: C.cs -->\n```csharp\nclass C {}\n```\n";
        var files = ReadmeCode.Extract(markdown);
        Assert.Equal(2, files.Count);
        Assert.Equal("class A {}\n\nclass B {}\n", files["A.cs"]);
        Assert.Equal("class C {}\n", files["C.cs"]);
    }

    [Fact]
    public void Readme_HasTheModelAndTheProgramMarkedCompilable()
    {
        var files = ReadmeCode.Extract(File.ReadAllText(Repository.PathOf("README.md")));
        Assert.Contains("partial class FashionMlp", files["FashionMlp.cs"], System.StringComparison.Ordinal);
        Assert.Contains("using Axon.Training;", files["Program.cs"], System.StringComparison.Ordinal);
        Assert.Contains("model.Fit(", files["Program.cs"], System.StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_StaysShortForANewcomer()
    {
        Assert.InRange(new FileInfo(Repository.PathOf("README.md")).Length, 1, 10 * 1024);
    }
}
