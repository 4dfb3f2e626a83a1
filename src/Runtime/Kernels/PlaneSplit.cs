using System;

namespace Axon.Kernels;

/// <summary>
/// Splits a pooling pass's planes (one channel of one sample each, <c>batch·C</c> of them) over a
/// <see cref="WorkerPool"/>: contiguous ranges, one per part. No output or input-gradient value depends on
/// two planes, and each plane is computed by the same code in the same order whichever part takes it, so
/// the result is bitwise identical for any thread count. Splitting planes rather than samples lets a
/// single sample with several channels use the pool too.
/// </summary>
internal static unsafe class PlaneSplit
{
    /// <summary>
    /// Below this many floats read and written (inputs, outputs and input gradients) a windowed pass (max or average
    /// pooling) runs on the caller alone: about 4 µs of one core's work, where waking a worker starts to pay.
    /// </summary>
    /// <remarks>
    /// Measured with 2 threads on a 2-core AMD EPYC (AVX2) shared with other builds (load average 6-17), interleaved
    /// with the caller alone, best of 41 rounds of 20 calls, 2×2/2 windows: at 15-30k floats the split ranged from
    /// 0.81× (average forward) to 1.22× (max backward); at 61k floats 1.13-1.57× over the four passes; at 110-245k floats
    /// 1.33-1.82×.
    /// </remarks>
    internal const long MinParallelFloats = 1 << 16;

    /// <summary>
    /// The same for a streaming pass (global average pooling: one sum or one fill per plane), which runs about twice as
    /// many floats per microsecond: measured as above, 0.7-1.0× at 49k floats, 0.9-1.4× at 98k, 1.3-1.8× at 197k.
    /// </summary>
    internal const long MinParallelStreamingFloats = 1 << 17;

    /// <summary>A pass's operands, shared by every part: pointers to plane 0 and the sizes.</summary>
    internal struct Job
    {
        public float* X, Y, Dx;
        public Pool2DShape Shape;
        public int Spatial, Planes, Parts;
    }

    /// <summary>The work on planes [first, end) of a <see cref="Job"/>: a struct with a static member, so parts call it directly.</summary>
    internal interface IPlanes
    {
        static abstract void Run(in Job job, int first, int end);
    }

    /// <summary>
    /// Runs <typeparamref name="TPlanes"/> over all of <paramref name="job"/>'s planes: on the caller alone when
    /// <paramref name="pool"/> is null or single-threaded or <paramref name="floatsTouched"/> is below
    /// <paramref name="minFloats"/>, otherwise on up to <see cref="WorkerPool.Threads"/> parts.
    /// </summary>
    public static void Run<TPlanes>(ref Job job, long floatsTouched, WorkerPool? pool, long minFloats = MinParallelFloats) where TPlanes : struct, IPlanes
    {
        int parts = Parts(pool, floatsTouched, job.Planes, minFloats);
        if (parts <= 1)
        {
            TPlanes.Run(job, 0, job.Planes);
            return;
        }
        job.Parts = parts;
        fixed (Job* state = &job)
            pool!.Run(&Part<TPlanes>, state);
    }

    /// <summary>How many parts a pass of <paramref name="planes"/> planes touching <paramref name="floatsTouched"/> floats runs in (1: the caller alone).</summary>
    internal static int Parts(WorkerPool? pool, long floatsTouched, int planes, long minFloats = MinParallelFloats) =>
        pool is { Threads: > 1 } && floatsTouched >= minFloats ? Math.Min(pool.Threads, planes) : 1;

    private static void Part<TPlanes>(void* state, int part) where TPlanes : struct, IPlanes
    {
        ref Job job = ref *(Job*)state;
        if (part >= job.Parts) return;
        var (first, end) = WorkerPool.Share(job.Planes, part, job.Parts);
        if (end > first) TPlanes.Run(job, first, end);
    }
}
