using System;
using System.Collections.Generic;

namespace Axon.Serialization;

/// <summary>One tensor entry of a safetensors header, as written in the file (validated, not yet compared to any model).</summary>
public sealed class SafeTensorInfo
{
    internal SafeTensorInfo(string name, string dtype, long[] shape, long count, long begin, long end)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        Shape = Array.AsReadOnly(shape);
        Count = count;
        Begin = begin;
        End = end;
    }

    private readonly long[] _shape;

    /// <summary>The tensor's key, <c>hidden.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The element type as the file spells it: <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ...</summary>
    public string DType { get; }

    /// <summary>The shape, row-major. Dimensions are <see cref="long"/> because the format allows them; Axon's own are <see cref="int"/>.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar, shape <c>[]</c>).</summary>
    public long Count { get; }

    /// <summary>First byte of the tensor's data, relative to the start of the data section.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the tensor's data, relative to the start of the data section.</summary>
    public long End { get; }

    /// <summary>The shape as text, <c>[128, 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {DType} {ShapeText} bytes {Begin}..{End}";
}

/// <summary>
/// The header of a safetensors file: its tensors (in the order the file lists them) and its
/// <c>__metadata__</c> strings. Returned by <see cref="SafeTensors.ReadHeader(string)"/>, which
/// validates the header completely but reads no tensor data.
/// </summary>
public sealed class SafeTensorsHeader
{
    internal SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata, long headerLength, long dataLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        HeaderLength = headerLength;
        DataLength = dataLength;
    }

    /// <summary>The tensors, in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when the file has none). Axon writes <c>format</c>, <c>axon.model</c> and <c>axon.sha256</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Length in bytes of the JSON header (the number stored in the first 8 bytes).</summary>
    public long HeaderLength { get; }

    /// <summary>Length in bytes of the data section that follows the header.</summary>
    public long DataLength { get; }

    /// <summary>Offset of the data section from the start of the file: <c>8 + HeaderLength</c>.</summary>
    public long DataStart => 8 + HeaderLength;
}
