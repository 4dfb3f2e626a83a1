using System;

namespace Axon.Training;

/// <summary>
/// The ranks of a <see cref="ProcessGroup"/> do not train the same thing: a different model, parameter count, optimizer, data size,
/// batch size or option, or weights that stopped being identical. <see cref="Trainer.Fit"/> throws it on every rank with the same
/// message, which names each value that differs and which rank has it, before anything is trained (or after the epoch in which
/// the weights diverged).
/// </summary>
public sealed class ProcessGroupMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessGroupMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public ProcessGroupMismatchException() { }

    /// <summary>Creates the exception.</summary>
    public ProcessGroupMismatchException(string message, Exception inner) : base(message, inner) { }
}
