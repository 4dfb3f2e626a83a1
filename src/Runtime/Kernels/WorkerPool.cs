using System;
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

    private readonly object _run = new();
    private readonly SemaphoreSlim[] _start;
    private readonly SemaphoreSlim[] _done;
    private delegate*<void*, int, void> _job;
    private void* _state;

    private WorkerPool(int threads)
    {
        Threads = threads;
        _start = new SemaphoreSlim[threads];
        _done = new SemaphoreSlim[threads];
        for (int i = 1; i < threads; i++)
        {
            // SemaphoreSlim creates its lock object up front; ManualResetEventSlim creates one lazily
            // on its first blocking wait, which showed up as 24 bytes allocated mid-training.
            _start[i] = new SemaphoreSlim(0, 1);
            _done[i] = new SemaphoreSlim(0, 1);
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

    /// <summary>Runs <c>job(state, part)</c> for every part in [0, <see cref="Threads"/>) and returns when all are done.</summary>
    public void Run(delegate*<void*, int, void> job, void* state)
    {
        lock (_run)
        {
            _job = job;
            _state = state;
            for (int i = 1; i < Threads; i++) _start[i].Release();
            job(state, 0);
            for (int i = 1; i < Threads; i++)
            {
                _done[i].Wait();
            }
        }
    }

    private void Work(int part)
    {
        while (true)
        {
            _start[part].Wait();
            _job(_state, part);
            _done[part].Release();
        }
    }
}
