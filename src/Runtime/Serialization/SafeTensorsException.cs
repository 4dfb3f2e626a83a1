using System;
using System.Collections.Generic;

namespace Axon.Serialization;

/// <summary>
/// A safetensors file (or stream) that Axon refuses to read: malformed, corrupt, or not the
/// model's key map. The message names the file, what was expected and what was given; when a
/// file has several problems, all of them are listed (also in <see cref="Problems"/>).
/// </summary>
/// <remarks>
/// This is the only exception <see cref="SafeTensors"/> throws for bad file <em>contents</em>, so
/// callers that load untrusted files need one catch clause. Missing files and other I/O failures
/// keep their usual <see cref="System.IO.IOException"/> types; wrong arguments from the caller
/// keep <see cref="ArgumentException"/>.
/// </remarks>
public sealed class SafeTensorsException : Exception
{
    /// <summary>Creates an exception with a message and no listed problems.</summary>
    public SafeTensorsException(string message) : base(message) => Problems = [];

    /// <summary>Creates an exception with a message and an inner exception (a JSON parser error, for example).</summary>
    public SafeTensorsException(string message, Exception innerException) : base(message, innerException) => Problems = [];

    internal SafeTensorsException(string fileName, string message, IReadOnlyList<string> problems, Exception? inner = null)
        : base(message, inner)
    {
        FileName = fileName;
        Problems = problems;
    }

    /// <summary>The file (or stream description) that was being read, when known.</summary>
    public string? FileName { get; }

    /// <summary>Each problem found, one sentence fragment each, in the order the message lists them.</summary>
    public IReadOnlyList<string> Problems { get; }
}
