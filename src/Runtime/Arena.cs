using System;
using System.Runtime.CompilerServices;

namespace Axon;

/// <summary>
/// One contiguous, 64-byte-aligned block of floats, allocated once on the pinned object heap.
/// Parameters, gradients, optimizer state and activations each live in one arena, addressed by
/// offsets the generator computes at compile time.
/// </summary>
/// <remarks>
/// 64-byte alignment keeps every Vector256 load of a row that starts at a multiple of 16 floats
/// inside one cache line. The array is pinned (allocated on the POH) so the alignment holds for
/// the arena's lifetime without a <c>fixed</c> block or a Dispose.
/// </remarks>
public sealed class Arena
{
    private const int AlignmentFloats = 16;
    private readonly float[] _array;
    private readonly int _start;

    /// <summary>Allocates an arena of <paramref name="length"/> floats, all zero.</summary>
    public Arena(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _array = GC.AllocateArray<float>(length + AlignmentFloats, pinned: true);
        unsafe
        {
            nuint address = (nuint)Unsafe.AsPointer(ref _array[0]);
            int misalignment = (int)(address % 64) / sizeof(float);
            _start = misalignment == 0 ? 0 : AlignmentFloats - misalignment;
        }
    }

    /// <summary>Number of floats in the arena.</summary>
    public int Length { get; }

    /// <summary>The whole arena.</summary>
    public Span<float> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_array, _start, Length);
    }

    /// <summary>A slice of the arena.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Slice(int offset, int length) => new(_array, _start + offset, length);

    /// <summary>Sets every value to zero.</summary>
    public void Clear() => Span.Clear();
}
