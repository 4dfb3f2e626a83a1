using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Axon.Kernels;

/// <summary>Cheap span-length checks shared by the layer kernels; the throw lives out of line.</summary>
internal static class KernelCheck
{
    /// <summary>Throws unless <paramref name="length"/> ≥ <paramref name="needed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AtLeast(int length, long needed, string name, string kernel)
    {
        if (length < needed)
            Throw(length, needed, name, kernel);
    }

    /// <summary>Throws unless <paramref name="value"/> is positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            ThrowPositive(value, name);
    }

    /// <summary>Throws unless <paramref name="value"/> is zero or positive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotNegative(int value, string name)
    {
        if (value < 0)
            ThrowNotNegative(value, name);
    }

    [DoesNotReturn]
    private static void Throw(int length, long needed, string name, string kernel) =>
        throw new ArgumentException($"{name} has {length} values, {kernel} needs at least {needed}.", name);

    [DoesNotReturn]
    private static void ThrowPositive(int value, string name) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");

    [DoesNotReturn]
    private static void ThrowNotNegative(int value, string name) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} cannot be negative.");

    /// <summary>Keras's output size and leading pad for one dimension; throws when there is no output.</summary>
    public static (int Out, int PadBefore) Keras(int input, int window, int stride, bool same, string what, int height, int width)
    {
        if (same)
        {
            int output = (input + stride - 1) / stride;
            int total = Math.Max((output - 1) * stride + window - input, 0);
            return (output, total / 2);
        }
        if (input < window)
            throw new ArgumentException(
                $"A {window}×{window} {what} with valid padding does not fit a {height}×{width} input: there is no output. Use smaller windows or same padding.");
        return ((input - window) / stride + 1, 0);
    }
}
