using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Text;
using Axon.Serialization;
using Xunit;
using Xunit.Abstractions;
using static Axon.Runtime.Tests.Serialization.SafeTensorsFixture;

namespace Axon.Runtime.Tests.Serialization;

/// <summary>
/// 20,000 deterministic mutations of valid files: every one either loads (a harmless mutation
/// such as whitespace) or throws <see cref="SafeTensorsException"/> with the arena bit-for-bit
/// unchanged, strict or not. Mutations include JSON escapes that decode to half a surrogate pair
/// in names, field names, dtypes and metadata (which once escaped as InvalidOperationException).
/// Any other exception, a hang or a huge allocation fails the test.
/// </summary>
public class SafeTensorsFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 20_000;
    private const int Seed = 20251123;

    private static readonly string[] HeaderEdits =
    [
        "\"F16\"", "\"BF16\"", "\"F64\"", "\"I64\"", "\"f32\"", "\"\"", "null", "[]", "{}", "-1", "0", "1.5", "1e3",
        "[2147483647,2147483647,8]", "[9223372036854775807]", "[18446744073709551615]", "[4611686018427387904,4]",
        "[0,0]", "[0,92]", "[48,48]", "[92,0]", "[-4,8]", "[0,9223372036854775807]", "[3]", "[[3]]", "[3,4,5]",
        "\"__metadata__\"", "\"hidden.weight\"", "{\"a\":{\"b\":{\"c\":{}}}}", "\"\\u0000\"", "\"\\ud800\"",
    ];

    // Escapes spliced into a string of the header: lone halves, pairs, and look-alikes that are text.
    private static readonly string[] Escapes =
    [
        "\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF", "\\ud800\\u0041", "\\ud83d\\ude00", "\\ud800\\ud800", "\\udc00\\ud800",
        "\\\\ud800", "\\u0000", "\\u00e9", "\\u", "\\uZZZZ", "\\\"",
    ];

    [Fact]
    public void MutatedFilesOnlyEverThrowSafeTensorsExceptionAndLeaveTheArenaUnchanged()
    {
        var map = TinyKeyMap();
        var values = Values(TinyCount, 1);
        byte[][] bases = [SaveToBytes(values, map), TinyFile(values)]; // with and without axon.sha256
        var random = new Random(Seed);
        var arena = Sentinel(TinyCount);
        var sentinel = (float[])arena.Clone();
        int rejected = 0, accepted = 0, headerOnlyRejected = 0, escapes = 0;
        var stopwatch = Stopwatch.StartNew();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        for (int i = 0; i < Iterations; i++)
        {
            byte[] file = Mutate(bases[i % 2], random, out string kind);
            if (kind == "escape") escapes++;
            Stream stream = i % 5 == 4 ? new NonSeekableStream(new MemoryStream(file)) : new MemoryStream(file);
            try
            {
                if (i % 7 == 3)
                    SafeTensors.Load(stream, arena, map, Model, new LoadOptions { Strict = false });
                else
                    SafeTensors.Load(stream, arena, map, Model);
                accepted++;
                sentinel.CopyTo(arena, 0);
            }
            catch (SafeTensorsException)
            {
                rejected++;
                AssertBitwiseEqual(sentinel, arena);
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} ({kind}): {e.GetType().Name}: {e.Message}\nfile: {Convert.ToHexString(file)}");
            }

            try
            {
                SafeTensors.ReadHeader(new MemoryStream(file));
            }
            catch (SafeTensorsException)
            {
                headerOnlyRejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} ({kind}) ReadHeader: {e.GetType().Name}: {e.Message}");
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{Iterations} mutated files (seed {Seed}): {rejected} rejected, {accepted} accepted; " +
                         $"ReadHeader rejected {headerOnlyRejected}; {stopwatch.ElapsedMilliseconds} ms; {allocated / 1024} KB allocated");
        Assert.Equal(Iterations, rejected + accepted);
        Assert.True(rejected > Iterations * 9 / 10, $"only {rejected} of {Iterations} mutations were rejected");
        // Proportional to the files: a few KB each. A buffer sized by a claimed header length (up to 100 MB) would blow this.
        Assert.True(allocated < Iterations * 200_000L, $"allocated {allocated} bytes");
        Assert.True(escapes > Iterations / 20, $"only {escapes} escape mutations");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60), $"took {stopwatch.Elapsed}");
    }

    private static byte[] Mutate(byte[] original, Random random, out string kind)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        string header = Encoding.UTF8.GetString(original, 8, headerLength);
        byte[] data = original[(8 + headerLength)..];
        byte[] file = (byte[])original.Clone();
        switch (random.Next(10))
        {
            case 9:
            {
                kind = "escape";
                // Inside a string (after a random quote): a name, a field name, a dtype or metadata.
                int quote = header.IndexOf('"', random.Next(header.Length));
                if (quote < 0) quote = header.IndexOf('"');
                string edited = header[..(quote + 1)] + Escapes[random.Next(Escapes.Length)] + header[(quote + 1)..];
                return Build(edited, data);
            }
            case 0:
                kind = "truncate";
                return file[..random.Next(file.Length)];
            case 1:
                kind = "flip bytes";
                for (int n = random.Next(1, 5); n > 0; n--) file[random.Next(file.Length)] ^= (byte)random.Next(1, 256);
                return file;
            case 2:
                kind = "header length";
                ulong[] lengths = [0, 1, 2, 7, (ulong)headerLength - 1, (ulong)headerLength + 1, (ulong)file.Length, 100_000_000, 100_000_001,
                                   uint.MaxValue, long.MaxValue, ulong.MaxValue, (ulong)random.NextInt64()];
                BinaryPrimitives.WriteUInt64LittleEndian(file, lengths[random.Next(lengths.Length)]);
                return file;
            case 3:
            {
                kind = "replace a JSON token";
                // Replace one number, string or array in the header with a hostile one; fix the length so the edit is parsed.
                int at = random.Next(header.Length);
                int end = at;
                while (end < header.Length && (char.IsLetterOrDigit(header[end]) || header[end] is '.' or '_' or '-')) end++;
                string edited = header[..at] + HeaderEdits[random.Next(HeaderEdits.Length)] + header[Math.Max(end, at + 1)..];
                return Build(edited, data);
            }
            case 4:
            {
                kind = "offsets";
                // Rewrite one tensor's data_offsets, keeping the header length right: overlaps, holes, out of range.
                int at = header.IndexOf("data_offsets", random.Next(header.Length / 2), StringComparison.Ordinal);
                if (at < 0) at = header.IndexOf("data_offsets", StringComparison.Ordinal);
                int open = header.IndexOf('[', at), close = header.IndexOf(']', open);
                long begin = random.Next(-8, 100), length = random.Next(0, 60);
                return Build(header[..(open + 1)] + $"{begin},{begin + length}" + header[close..], data);
            }
            case 5:
            {
                kind = "insert a byte into the header";
                byte[] bytes = Encoding.UTF8.GetBytes(header);
                byte[] inserted = [(byte)'{', (byte)'[', (byte)'"', (byte)',', (byte)'}', 0, 0xFF, 0xC3, (byte)'\\', (byte)' ', (byte)'\t'];
                int at = random.Next(bytes.Length + 1);
                return Build([.. bytes[..at], inserted[random.Next(inserted.Length)], .. bytes[at..]], data);
            }
            case 6:
            {
                kind = "data edits";
                var copy = (byte[])data.Clone();
                int at = random.Next(copy.Length / 4) * 4;
                BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan(at), random.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => random.NextSingle() });
                return Build(header, copy);
            }
            case 7:
                kind = "append or cut data";
                return random.Next(2) == 0
                    ? [.. file, .. new byte[random.Next(1, 16)]]
                    : Build(header, data[..random.Next(data.Length)]);
            default:
            {
                kind = "duplicate a span";
                int a = random.Next(file.Length), b = random.Next(a, Math.Min(file.Length, a + 64));
                return [.. file[..b], .. file[a..b], .. file[b..]];
            }
        }
    }
}
