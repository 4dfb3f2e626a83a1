using System;

namespace Axon.Distributed;

/// <summary>An MPI call returned an error code (Open MPI's default error handler usually ends the job first).</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public MpiException() { }

    /// <summary>Creates the exception.</summary>
    public MpiException(string message, Exception inner) : base(message, inner) { }
}
