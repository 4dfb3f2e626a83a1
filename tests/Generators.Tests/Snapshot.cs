using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace Axon.Generators.Tests;

/// <summary>
/// Verify's file conventions without Verify: <c>Snapshots/Name.verified.cs</c> beside the test is the
/// accepted text; on a mismatch <c>Name.received.cs</c> is written next to it and the test fails.
/// Set <c>AXON_ACCEPT_SNAPSHOTS=1</c> to accept the received text.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string name, [CallerFilePath] string testFile = "")
    {
        string dir = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        Directory.CreateDirectory(dir);
        string verified = Path.Combine(dir, name + ".verified.cs");
        string received = Path.Combine(dir, name + ".received.cs");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("AXON_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        string? expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"no snapshot {verified}; wrote {received}. Review it and rerun with AXON_ACCEPT_SNAPSHOTS=1 to accept."
            : $"generated source differs from {verified}; wrote {received}. Diff them; rerun with AXON_ACCEPT_SNAPSHOTS=1 to accept.");
    }
}
