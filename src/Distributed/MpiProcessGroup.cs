using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using Axon.Training;

namespace Axon.Distributed;

/// <summary>
/// Every process of an <c>mpirun</c> job (<c>MPI_COMM_WORLD</c>) as one <see cref="ProcessGroup"/> for data-parallel
/// <see cref="Trainer.Fit"/> (<see cref="FitOptions.ProcessGroup"/>). Create it once per process with <see cref="Initialize"/> and
/// dispose it at the end (<c>MPI_Finalize</c>). See docs/distributed.md.
/// </summary>
/// <remarks>
/// A watchdog thread bounds every collective: a rank that waits longer than <see cref="Timeout"/> for the others (one of them hangs,
/// is stopped, or its machine is gone) prints what it waited for and exits with code <see cref="TimeoutExitCode"/>, and mpirun then
/// ends the other ranks. A rank that dies is noticed by mpirun itself, which ends the rest. An exception on one rank alone inside Fit
/// goes through <see cref="Abort"/>. So a broken job ends on every rank, never hangs.
/// </remarks>
public sealed unsafe class MpiProcessGroup : ProcessGroup, IDisposable
{
    /// <summary>Default <see cref="Timeout"/>: 5 minutes, room for a rank that loads its data slowly before the first collective.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The exit code of a rank whose watchdog fired.</summary>
    public const int TimeoutExitCode = 124;

    private static MpiProcessGroup? s_world;
    private static readonly object s_lock = new();

    private readonly int _rank, _size;
    private readonly Thread _watchdog;
    private long _enteredAt;          // Stopwatch timestamp of the collective in progress, 0 when none
    private string _operation = "";
    private int _count;
    private long _collectives;
    private long _allReduceTicks;
    private long _timeoutTicks;
    private volatile bool _disposed;

    private MpiProcessGroup(TimeSpan timeout)
    {
        Timeout = timeout;
        int rank, size;
        MpiNative.Check(MpiNative.CommRank(MpiNative.CommWorld, &rank), "MPI_Comm_rank");
        MpiNative.Check(MpiNative.CommSize(MpiNative.CommWorld, &size), "MPI_Comm_size");
        _rank = rank;
        _size = size;
        byte* name = stackalloc byte[256];
        int length = 0;
        HostName = MpiNative.ProcessorName(name, &length) == MpiNative.Success ? new string((sbyte*)name, 0, length) : Environment.MachineName;
        _watchdog = new Thread(Watch) { IsBackground = true, Name = "Axon MPI watchdog" };
        _watchdog.Start();
    }

    /// <summary>
    /// Initialises MPI (<c>MPI_Init_thread</c>, serialized: any one thread at a time may call) and returns the world group. Call it once
    /// per process, in a program started by <c>mpirun</c> (started alone, the process is a group of one). A second call returns the same
    /// group.
    /// </summary>
    /// <param name="timeout">The longest a rank waits in one collective before the watchdog ends it; default <see cref="DefaultTimeout"/>.</param>
    /// <exception cref="DllNotFoundException">Open MPI's libmpi.so.40 is not installed, or the libmpi found is not Open MPI.</exception>
    /// <exception cref="InvalidOperationException">MPI was finalized already in this process (it cannot start twice).</exception>
    public static MpiProcessGroup Initialize(TimeSpan? timeout = null)
    {
        var t = timeout ?? DefaultTimeout;
        if (t <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), t, "the collective timeout must be positive.");
        lock (s_lock)
        {
            if (s_world is not null) return s_world;
            MpiNative.Load();
            int flag;
            MpiNative.Check(MpiNative.Finalized(&flag), "MPI_Finalized");
            if (flag != 0) throw new InvalidOperationException("MPI was finalized in this process already; it cannot be initialized again.");
            MpiNative.Check(MpiNative.Initialized(&flag), "MPI_Initialized");
            if (flag == 0)
            {
                int provided;
                MpiNative.Check(MpiNative.InitThread(null, null, MpiNative.ThreadSerialized, &provided), "MPI_Init_thread");
            }
            return s_world = new MpiProcessGroup(t);
        }
    }

    /// <inheritdoc/>
    public override int Rank => _rank;

    /// <inheritdoc/>
    public override int Size => _size;

    /// <summary>The machine this rank runs on (<c>MPI_Get_processor_name</c>).</summary>
    public string HostName { get; }

    /// <summary>
    /// The longest a rank waits in one collective before its watchdog ends it. Settable at any time (a long one while the ranks load
    /// their data, a short one once steps take milliseconds).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive.</exception>
    public TimeSpan Timeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _timeoutTicks));
        set
        {
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), value, "the collective timeout must be positive.");
            Interlocked.Exchange(ref _timeoutTicks, value.Ticks);
        }
    }

    /// <summary>Collectives completed so far (a progress counter for messages).</summary>
    public long Collectives => Interlocked.Read(ref _collectives);

    /// <summary>
    /// Time spent inside float all-reduces so far (the gradient sums of data-parallel training, one per step): the transfer and the
    /// wait for the slowest rank. For measurements (examples/DistributedFashion prints its share of the training time).
    /// </summary>
    public TimeSpan AllReduceTime => Stopwatch.GetElapsedTime(0, _allReduceTicks);

    /// <inheritdoc/>
    public override void AllReduceSum(Span<float> values)
    {
        long start = Enter("an all-reduce of {0} floats", values.Length);
        fixed (float* p = values)
            MpiNative.Check(MpiNative.Allreduce((void*)MpiNative.InPlace, p, values.Length, MpiNative.Float, MpiNative.OpSum, MpiNative.CommWorld), "MPI_Allreduce");
        Leave();
        _allReduceTicks += Stopwatch.GetTimestamp() - start;
    }

    /// <inheritdoc/>
    public override void AllReduceSum(Span<double> values)
    {
        Enter("an all-reduce of {0} doubles", values.Length);
        fixed (double* p = values)
            MpiNative.Check(MpiNative.Allreduce((void*)MpiNative.InPlace, p, values.Length, MpiNative.Double, MpiNative.OpSum, MpiNative.CommWorld), "MPI_Allreduce");
        Leave();
    }

    /// <inheritdoc/>
    public override void Broadcast(Span<float> values, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, _size);
        Enter("a broadcast of {0} floats", values.Length);
        fixed (float* p = values)
            MpiNative.Check(MpiNative.Bcast(p, values.Length, MpiNative.Float, root, MpiNative.CommWorld), "MPI_Bcast");
        Leave();
    }

    /// <inheritdoc/>
    public override void AllGather(ReadOnlySpan<long> local, Span<long> all)
    {
        if (all.Length != local.Length * _size)
            throw new ArgumentException($"AllGather of {local.Length} values on {_size} ranks needs {local.Length * _size} places; {all.Length} were given.", nameof(all));
        Enter("an all-gather of {0} integers", local.Length);
        fixed (long* s = local)
        fixed (long* r = all)
            MpiNative.Check(MpiNative.Allgather(s, local.Length, MpiNative.Int64, r, local.Length, MpiNative.Int64, MpiNative.CommWorld), "MPI_Allgather");
        Leave();
    }

    /// <summary>Waits until every rank has called it (<c>MPI_Barrier</c>), bounded by <see cref="Timeout"/>.</summary>
    public void Barrier()
    {
        Enter("a barrier", 0);
        MpiNative.Check(MpiNative.Barrier(MpiNative.CommWorld), "MPI_Barrier");
        Leave();
    }

    /// <summary>
    /// Prints <paramref name="cause"/> to standard error with this rank's number and host, then ends every rank of the job
    /// (<c>MPI_Abort</c> with code 1; mpirun prints which rank aborted). Does not return.
    /// </summary>
    public override void Abort(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        Console.Out.Flush();
        Console.Error.WriteLine($"Axon.Distributed: rank {_rank} of {_size} on {HostName} failed, so every rank stops: {cause.GetType().Name}: {cause.Message}");
        Console.Error.Flush();
        MpiNative.Abort(MpiNative.CommWorld, 1);
        MpiNative.Exit(1);
    }

    /// <summary>Finalizes MPI (<c>MPI_Finalize</c>, itself a collective: every rank must dispose). The process cannot use MPI again.</summary>
    public void Dispose()
    {
        lock (s_lock)
        {
            if (_disposed) return;
            Enter("MPI_Finalize", 0);
            MpiNative.Check(MpiNative.Finalize(), "MPI_Finalize");
            Leave();
            _disposed = true;
        }
    }

    // The description is a constant format and a count, formatted only by the watchdog: a step allocates nothing.
    private long Enter(string operation, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _operation = operation;
        _count = count;
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _enteredAt, now);
        return now;
    }

    private void Leave()
    {
        Volatile.Write(ref _enteredAt, 0);
        Interlocked.Increment(ref _collectives);
    }

    private void Watch()
    {
        while (!_disposed)
        {
            var timeout = Timeout;
            Thread.Sleep((int)Math.Clamp(timeout.TotalMilliseconds / 10, 10, 1000));
            long entered = Volatile.Read(ref _enteredAt);
            if (entered == 0 || Stopwatch.GetElapsedTime(entered) < timeout) continue;
            Console.Out.Flush();
            string waited = timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            Console.Error.WriteLine(
                $"Axon.Distributed: rank {_rank} of {_size} on {HostName} waited {waited} s in {string.Format(CultureInfo.InvariantCulture, _operation, _count)} (collective #{Collectives + 1}) " +
                "for the other ranks: one of them stopped or hangs. This rank exits with code 124 so mpirun ends the job; " +
                "resume from the last checkpoint (FitOptions.ResumeFrom).");
            Console.Error.Flush();
            MpiNative.Exit(TimeoutExitCode);
        }
    }
}
