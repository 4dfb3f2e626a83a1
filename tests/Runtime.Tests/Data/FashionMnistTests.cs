using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Axon.Data;
using Xunit;

namespace Axon.Runtime.Tests.Data;

public class FashionMnistTests
{
    // Loading 12,000 images takes a moment; share one load across the tests of this class.
    private static readonly Lazy<(Dataset Train, Dataset Test)> Subset = new(() => FashionMnist.Load(TestPaths.FashionSubset));

    [Fact]
    public void CommittedSubset_HasTenThousandTrainAndTwoThousandTestSamples()
    {
        var (train, test) = Subset.Value;
        Assert.Equal(10_000, train.Count);
        Assert.Equal(2_000, test.Count);
        Assert.Equal(784, train.FeatureSize);
        Assert.Equal(784, test.FeatureSize);
        Assert.Equal(10_000 * 784, train.Features.Length);
    }

    [Fact]
    public void CommittedSubset_IsBalanced()
    {
        var (train, test) = Subset.Value;
        Assert.Equal(Enumerable.Repeat(1_000, 10), train.CountPerClass());
        Assert.Equal(Enumerable.Repeat(200, 10), test.CountPerClass());
    }

    [Fact]
    public void CommittedSubset_PixelsAreInUnitIntervalAndUseTheRange()
    {
        var (train, test) = Subset.Value;
        foreach (var d in new[] { train, test })
        {
            Assert.All(d.Features, v => Assert.InRange(v, 0f, 1f));
            Assert.Equal(0f, d.Features.Min());
            Assert.Equal(1f, d.Features.Max());
        }
    }

    [Fact]
    public void CommittedSubset_KeepsTheOriginalOrder()
    {
        // The first samples of both original files are kept, so the subsets start as the originals do.
        var (train, test) = Subset.Value;
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], train.Labels![..10]);
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], test.Labels![..10]);
        Assert.Equal(76_247, MathF.Round(Sum(train.FeaturesOf(0)) * 255f));
        Assert.Equal(33_456, MathF.Round(Sum(test.FeaturesOf(0)) * 255f));
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values) s += v;
        return (float)s;
    }

    [Fact]
    public void CommittedFiles_MatchTheHashesInDataReadme()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "data", "README.md"));
        foreach (var name in new[] { FashionMnist.TrainImagesFile, FashionMnist.TrainLabelsFile, FashionMnist.TestImagesFile, FashionMnist.TestLabelsFile })
        {
            // The first table in the README lists the committed files (the second, the package's).
            var match = Regex.Match(readme, $@"\| `{Regex.Escape(name)}` \|[^|]*\| `([0-9a-f]{{64}})` \|");
            Assert.True(match.Success, $"data/README.md lists no SHA-256 for {name}");
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(TestPaths.FashionSubset, name))));
            Assert.Equal(match.Groups[1].Value, actual);
        }
    }

    [Fact]
    public void ClassNames_AreTheTenFashionMnistLabels()
    {
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    [Fact]
    public void FindSubsetDirectory_WalksUpFromANestedFolder()
    {
        string nested = Path.Combine(TestPaths.RepositoryRoot, "data", "fashion-mnist");
        string? found = FashionMnist.FindSubsetDirectory(Path.Combine(TestPaths.RepositoryRoot, "src", "Runtime", "Data"));
        Assert.Equal(Path.GetFullPath(nested), found);
        Assert.Null(FashionMnist.FindSubsetDirectory(Path.GetPathRoot(TestPaths.RepositoryRoot)!));
    }

    [Fact]
    public void FindSubsetDirectory_PrefersACopyNextToTheStartFolder()
    {
        using var dir = new TempDirectory();
        string copy = Path.Combine(dir.Path, "data", "fashion-mnist");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(TestPaths.FashionSubset, "*.gz"))
            File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        Assert.Equal(copy, FashionMnist.FindSubsetDirectory(dir.Path));
    }

    [Fact]
    public void TryFindDirectory_FindsSomeCopy()
    {
        // The test output folder is inside the repository, so at least the committed subset is found.
        string? dir = FashionMnist.TryFindDirectory();
        Assert.NotNull(dir);
        Assert.True(File.Exists(Path.Combine(dir, FashionMnist.TrainImagesFile)));
    }

    [Fact]
    public void Load_MissingFiles_ThrowsFileNotFound()
    {
        using var dir = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir.Path));
    }

    [Fact]
    public void Load_LabelCountDifferentFromImageCount_ThrowsWithBothCounts()
    {
        using var dir = new TempDirectory();
        Idx.Write(dir.File(FashionMnist.TrainImagesFile), [2, 28, 28], new byte[2 * 784], compress: true);
        Idx.Write(dir.File(FashionMnist.TrainLabelsFile), [3], [1, 2, 3], compress: true);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTrain(dir.Path));
        Assert.Contains("has 3 labels", e.Message);
        Assert.Contains("has 2 images", e.Message);
    }

    [Fact]
    public void Load_WrongImageSize_Throws()
    {
        using var dir = new TempDirectory();
        Idx.Write(dir.File(FashionMnist.TestImagesFile), [1, 2, 2], new byte[4]);
        Idx.Write(dir.File(FashionMnist.TestLabelsFile), [1], [0]);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTest(dir.Path));
        Assert.Contains("images are 2×2", e.Message);
        Assert.Contains("28×28", e.Message);
    }

    [Fact]
    public void Load_LabelOutOfRange_Throws()
    {
        using var dir = new TempDirectory();
        Idx.Write(dir.File(FashionMnist.TestImagesFile), [1, 28, 28], new byte[784]);
        Idx.Write(dir.File(FashionMnist.TestLabelsFile), [1], [10]);
        var e = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadTest(dir.Path));
        Assert.Contains("label 0 is 10", e.Message);
        Assert.Contains("[0, 9]", e.Message);
    }
}
