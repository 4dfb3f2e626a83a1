using System;
using System.IO;
using Axon.Serialization;
using Xunit;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

public class SafeTensorsAtomicSaveTests
{
    [Fact]
    public void FailureMidwayLeavesThePreviousFileByteIdenticalAndNoTempFile()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        var map = TinyKeyMap();
        var first = Values(TinyCount, 1);
        SafeTensors.Save(path, first, map, Model);
        byte[] before = File.ReadAllBytes(path);

        // The second save dies after half its bytes, as a killed process or a full disk would.
        var second = Values(TinyCount, 2);
        long half = SaveToBytes(second, map).Length / 2;
        string? tempPath = null;
        var e = Assert.Throws<IOException>(() => SafeTensors.Save(path, second, map, Model, file =>
        {
            tempPath = ((FileStream)file).Name;
            return new FailingStream(file, half);
        }));
        Assert.Contains("simulated failure", e.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.NotNull(tempPath);
        Assert.Equal(dir.Path, Path.GetDirectoryName(tempPath)); // same directory: the rename is atomic
        Assert.False(File.Exists(tempPath));
        Assert.Equal([path], Directory.GetFiles(dir.Path));

        var loaded = new float[TinyCount];
        SafeTensors.Load(path, loaded, map, Model);
        AssertBitwiseEqual(first, loaded);
    }

    [Fact]
    public void FailureBeforeAnyByteLeavesNoFileBehind()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "new.safetensors");
        Assert.Throws<IOException>(() => SafeTensors.Save(path, Values(TinyCount, 1), TinyKeyMap(), Model, file => new FailingStream(file, 0)));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SaveReplacesAnExistingFile()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "model.safetensors");
        File.WriteAllText(path, "old contents");
        var values = Values(TinyCount, 3);
        SafeTensors.Save(path, values, TinyKeyMap(), Model);

        Assert.Equal(SaveToBytes(values, TinyKeyMap()), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void SaveIntoAMissingDirectoryThrowsAndCreatesNothing()
    {
        using var dir = new ScratchDirectory();
        string path = Path.Combine(dir.Path, "missing", "model.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => SafeTensors.Save(path, Values(TinyCount, 1), TinyKeyMap(), Model));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
