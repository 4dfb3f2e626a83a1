using System;
using System.Diagnostics;
using System.Text;

namespace Axon.Tests.Shared;

/// <summary>Runs a child process to completion with stdout and stderr interleaved into one text, as a terminal shows them.</summary>
internal static class ChildProcess
{
    /// <summary>What the child printed and how it ended; <see cref="Finished"/> is false when it was killed at the timeout.</summary>
    public readonly record struct Outcome(bool Finished, int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>
    /// Starts <paramref name="info"/> (its output redirected here), waits up to <paramref name="timeout"/>, and kills the whole
    /// process tree if it has not finished by then, so a hung child never outlives the test.
    /// </summary>
    public static Outcome Run(ProcessStartInfo info, TimeSpan timeout)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool finished = process.WaitForExit(timeout);
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();   // drains the asynchronous readers
        lock (output) return new Outcome(finished, finished ? process.ExitCode : -1, output.ToString(), clock.Elapsed);
    }
}
