using System;
using System.IO;
using System.Linq;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// What saves leave behind and how they treat unusual destinations: temporary files of killed
/// saves, errors naming the temporary file, 252-byte names, symbolic links, permissions, and
/// paths that are not file names.
/// </summary>
public class SafeTensorsSaveDebrisTests
{
    private static readonly float[] First = Values(TinyCount, 1);
    private static readonly float[] Second = Values(TinyCount, 2);

    /// <summary>A save killed after creating its temporary file: the file stays, its name as the saver chose it.</summary>
    private static string KilledSave(string path)
    {
        string? temp = null;
        Assert.ThrowsAny<IOException>(() => SafeTensors.Save(path, Second, TinyKeyMap(), Model, file =>
        {
            temp = ((FileStream)file).Name;
            return new FailingStream(file, 10);
        }));
        // The failed save deleted it; a kill -9 would not have: put it back, half-written.
        File.WriteAllBytes(temp!, new byte[10]);
        return temp!;
    }

    [Fact]
    public void StaleTempFilesOfTheSameDestinationAreRemovedByTheNextSaveAndOthersAreKept()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        SafeTensors.Save(path, First, TinyKeyMap(), Model);
        var stale = Enumerable.Range(0, 5).Select(_ => KilledSave(path)).ToArray();
        foreach (var t in stale) File.SetLastWriteTimeUtc(t, DateTime.UtcNow - SafeTensors.StaleTempAge - TimeSpan.FromMinutes(1));
        string fresh = KilledSave(path); // may be a save still running: kept
        string other = KilledSave(Path.Combine(dir.Path, "other.safetensors"));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddDays(-1)); // another destination's: kept
        string lookalike = Path.Combine(dir.Path, ".axon-notours.tmp");
        File.WriteAllText(lookalike, "x");
        File.SetLastWriteTimeUtc(lookalike, DateTime.UtcNow.AddDays(-1));

        SafeTensors.Save(path, Second, TinyKeyMap(), Model);

        foreach (var t in stale) Assert.False(File.Exists(t), t);
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(lookalike));
        var loaded = new float[TinyCount];
        SafeTensors.Load(path, loaded, TinyKeyMap(), Model);
        AssertBitwiseEqual(Second, loaded);
    }

    [Fact]
    public void TempFileNameIsShortAndFixedLength()
    {
        using var dir = new ScratchDirectory();
        string temp = KilledSave(Path.Combine(dir.Path, new string('m', 100) + ".safetensors"));
        string name = Path.GetFileName(temp);
        Assert.Matches("^\\.axon-[0-9a-f]{8}-[0-9a-f]{8}\\.tmp$", name);
    }

    [Fact]
    public void FailureMessageNamesTheDestinationNotTheTempFile()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        string? temp = null;
        var e = Assert.ThrowsAny<IOException>(() => SafeTensors.Save(path, First, TinyKeyMap(), Model, file =>
        {
            temp = ((FileStream)file).Name;
            return new FailingStream(file, 10);
        }));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain(Path.GetFileName(temp!), e.Message);
        Assert.Contains("simulated failure", e.Message);

        var missing = Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(Path.Combine(dir.Path, "nope", "m.safetensors"), First, TinyKeyMap(), Model));
        Assert.Contains(Path.Combine(dir.Path, "nope", "m.safetensors"), missing.Message);
        Assert.DoesNotContain(".axon-", missing.Message);
    }

    [Fact]
    public void A252ByteFileNameSaves()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, new string('n', 240) + ".safetensors");
        Assert.Equal(252, Path.GetFileName(path).Length);
        SafeTensors.Save(path, First, TinyKeyMap(), Model);
        var loaded = new float[TinyCount];
        SafeTensors.Load(path, loaded, TinyKeyMap(), Model);
        AssertBitwiseEqual(First, loaded);
    }

    [Fact]
    public void SavingThroughASymlinkWritesTheTargetAndKeepsTheLink()
    {
        if (OperatingSystem.IsWindows()) return; // symbolic links need privileges there; Linux CI runs this
        using var dir = new ScratchDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "store"));
        string target = Path.Combine(dir.Path, "store", "real.safetensors");
        SafeTensors.Save(target, First, TinyKeyMap(), Model);
        string link = Path.Combine(dir.Path, "current.safetensors");
        File.CreateSymbolicLink(link, Path.Combine("store", "real.safetensors"));
        string link2 = Path.Combine(dir.Path, "latest.safetensors");
        File.CreateSymbolicLink(link2, link); // a chain of links

        SafeTensors.Save(link2, Second, TinyKeyMap(), Model);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.NotNull(new FileInfo(link2).LinkTarget);
        var loaded = new float[TinyCount];
        SafeTensors.Load(target, loaded, TinyKeyMap(), Model);
        AssertBitwiseEqual(Second, loaded);
        Assert.Empty(Directory.GetFiles(dir.Path, ".axon-*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead)]                                                           // 0400
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)] // 0644
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]                                  // 0600
    public void ReplacedFileKeepsItsMode(UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) return; // no Unix modes there
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        SafeTensors.Save(path, First, TinyKeyMap(), Model);
        File.SetUnixFileMode(path, mode);

        SafeTensors.Save(path, Second, TinyKeyMap(), Model);

        Assert.Equal(mode, File.GetUnixFileMode(path));
        var loaded = new float[TinyCount];
        SafeTensors.Load(path, loaded, TinyKeyMap(), Model);
        AssertBitwiseEqual(Second, loaded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void EmptyOrWhiteSpacePathIsAnArgumentError(string path)
    {
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, First, TinyKeyMap(), Model));
        Assert.Equal("path", e.ParamName);
        Assert.Contains("must name a file", e.Message);
    }

    [Fact]
    public void DirectoryOrWhiteSpaceFileNameIsAnArgumentErrorAndCreatesNothing()
    {
        using var dir = new ScratchDirectory();
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Save(dir.Path, First, TinyKeyMap(), Model));
        Assert.Contains("is a directory", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => SafeTensors.Save(Path.Combine(dir.Path, "   "), First, TinyKeyMap(), Model));
        Assert.Contains("white space", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => SafeTensors.Save(dir.Path + Path.DirectorySeparatorChar, First, TinyKeyMap(), Model));
        Assert.Contains("directory", e3.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
