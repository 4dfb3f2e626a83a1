using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Axon.Distributed.Tests;

/// <summary>Starts <c>mpirun -np 2 dotnet Axon.Distributed.Worker.dll …</c> and captures what every rank prints.</summary>
internal static class Mpirun
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed)
    {
        public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s\n{Output}";
    }

    /// <summary>The worker's folder (the test's output: the worker is a project reference, its data files come along).</summary>
    public static string WorkerFolder => AppContext.BaseDirectory;

    public static Result Run(TimeSpan timeout, params string[] arguments)
    {
        string mpirun = Find("mpirun") ?? throw new Xunit.Sdk.XunitException(
            "mpirun is not on PATH: the 2-process tests need Open MPI (Debian: apt-get install openmpi-bin libopenmpi-dev; .ci/run installs it).");
        var info = new ProcessStartInfo(mpirun)
        {
            WorkingDirectory = WorkerFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-np", "2", Dotnet(), Path.Combine(WorkerFolder, "Axon.Distributed.Worker.dll") }) info.ArgumentList.Add(a);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        // CI containers run as root, which mpirun refuses without these; a machine with one core needs oversubscription for 2 ranks;
        // containers often forbid the cross-memory attach (CMA) that shared memory would use for large messages.
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        info.Environment["OMPI_MCA_rmaps_base_oversubscribe"] = "1";
        info.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        info.Environment["TERM"] = "dumb";
        foreach (var key in new List<string>(info.Environment.Keys))
            if (key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)) info.Environment.Remove(key);

        var run = Axon.Tests.Shared.ChildProcess.Run(info, timeout);
        if (!run.Finished) Assert.Fail($"mpirun {string.Join(' ', arguments)} did not finish in {timeout.TotalSeconds:F0} s (a hang):\n{run.Output}");
        return new Result(run.ExitCode, run.Output, run.Elapsed);
    }

    private static string Dotnet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : Find("dotnet") ?? "dotnet";

    private static string? Find(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, program);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
