using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace Axon.Kernels;

/// <summary>
/// An allocation-free pool of persistent worker threads: the caller runs part 0 of a job and each
/// worker one further part, then the caller waits for all. Jobs are a function pointer and a state
/// pointer, so dispatching one allocates nothing (no closures, no Task, no Parallel.For).
/// </summary>
/// <remarks>
/// Pools are shared per thread count and live for the process (background threads, nothing to
/// dispose). A lock serialises jobs from different callers. How work is split is the caller's
/// choice; Axon's kernels split output rows, so results are bitwise identical for any thread count.
/// </remarks>
public sealed unsafe class WorkerPool
{
    private static readonly WorkerPool?[] s_pools = new WorkerPool?[65];
    private static readonly object s_create = new();

    // How long an idle worker keeps polling for the next job before it blocks. A training step
    // hands out a job every few to few hundred microseconds; waking a blocked thread costs about as
    // much as a small product, so the workers stay awake between the jobs of a step and sleep only
    // when the model is idle.
    private static readonly long s_spinTicks = Stopwatch.Frequency / 5000; // 200 µs

    private readonly object _run = new();
    private readonly Worker[] _workers;
    private delegate*<void*, int, void> _job;
    private void* _state;
    private long _generation;
    private int _pending;

    // One per worker thread, on its own cache lines so the flags the caller writes do not bounce.
    [StructLayout(LayoutKind.Sequential)]
    private sealed class Worker
    {
        // SemaphoreSlim creates its lock object up front; ManualResetEventSlim creates one lazily
        // on its first blocking wait, which showed up as 24 bytes allocated mid-training.
        public readonly SemaphoreSlim Wake = new(0, 1);
        public int Sleeping;
    }

    private WorkerPool(int threads)
    {
        Threads = threads;
        _workers = new Worker[threads];
        for (int i = 1; i < threads; i++)
        {
            _workers[i] = new Worker();
            int part = i;
            var thread = new Thread(() => Work(part)) { IsBackground = true, Name = $"Axon worker {i}/{threads}" };
            thread.Start();
        }
    }

    /// <summary>Number of parts a job runs in: the caller plus <c>Threads - 1</c> workers.</summary>
    public int Threads { get; }

    /// <summary>The shared pool of <paramref name="threads"/> threads (1 to 64), created on first use.</summary>
    public static WorkerPool Get(int threads)
    {
        if (threads is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be between 1 and 64.");
        var pool = Volatile.Read(ref s_pools[threads]);
        if (pool is not null) return pool;
        lock (s_create)
            return s_pools[threads] ??= new WorkerPool(threads);
    }

    /// <summary>
    /// The even share <c>[⌊count·part/parts⌋, ⌊count·(part + 1)/parts⌋)</c> of <paramref name="count"/> items that part
    /// <paramref name="part"/> of <paramref name="parts"/> takes: contiguous, sizes differing by at most one.
    /// </summary>
    internal static (int Start, int End) Share(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    /// <summary>Runs <c>job(state, part)</c> for every part in [0, <see cref="Threads"/>) and returns when all are done.</summary>
    public void Run(delegate*<void*, int, void> job, void* state)
    {
        lock (_run)
        {
            _job = job;
            _state = state;
            Volatile.Write(ref _pending, Threads - 1);
            // Publishing the generation (a full fence) releases the job to the polling workers;
            // a worker that went to sleep said so first and is woken through its semaphore.
            Interlocked.Increment(ref _generation);
            for (int i = 1; i < Threads; i++)
                if (Interlocked.Exchange(ref _workers[i].Sleeping, 0) == 1)
                    _workers[i].Wake.Release();
            job(state, 0);
            // The caller's part is usually the last to finish; poll, yielding (never sleeping a
            // whole scheduler tick) if a worker was descheduled.
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
                spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private void Work(int part)
    {
        var me = _workers[part];
        long seen = 0;
        while (true)
        {
            long idleSince = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (Stopwatch.GetTimestamp() - idleSince < s_spinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                // Announce the sleep, then look again: a job published in between is either seen
                // here, or its caller saw Sleeping = 1 and releases the semaphore.
                Interlocked.Exchange(ref me.Sleeping, 1);
                if (Volatile.Read(ref _generation) != seen && Interlocked.Exchange(ref me.Sleeping, 0) == 1)
                    break; // the caller never saw the flag: no release is coming
                me.Wake.Wait();
                idleSince = Stopwatch.GetTimestamp();
            }
            seen = Volatile.Read(ref _generation);
            _job(_state, part);
            Interlocked.Decrement(ref _pending);
        }
    }
}
