using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Axon;

/// <summary>
/// The concurrent-use guard. A model instance keeps activations, gradients and optimizer state in one
/// workspace, so it runs one public call at a time: a second thread entering while a call is in
/// progress gets an <see cref="InvalidOperationException"/> naming both calls, instead of silently wrong
/// outputs. Calls nested on the same thread (a wrapper calling the model from inside another call)
/// pass. Entering costs one uncontended compare-exchange and allocates nothing.
/// </summary>
/// <remarks>
/// Inference sessions (<see cref="CreateSession"/>) share the parameter arena; a second, shared guard
/// (<see cref="SharedWeights"/>) lets any number of sessions read the weights at once and detects a call
/// that writes them (training, loading, re-initialising) while a session is reading, in either order.
/// </remarks>
public sealed partial class ModelCore
{
    private const int ReleaseOwner = 1, ReleaseWrite = 2, ReleaseRead = 4;

    private readonly SharedWeights _weights;
    private int _owner;          // managed thread id of the call in progress, 0 when idle
    private string? _member;     // the public member that call entered through
    private bool _writing;       // whether the call in progress holds the shared weights for writing

    /// <summary>
    /// For generated code and the drivers: enters a public <paramref name="member"/> (its name, for messages).
    /// <paramref name="writes"/> says whether the call changes the parameters (or the optimizer state).
    /// Pass the result to <see cref="Exit"/> in a <c>finally</c>.
    /// </summary>
    public int Enter(string member, bool writes)
    {
        int me = Environment.CurrentManagedThreadId;
        int owner = Interlocked.CompareExchange(ref _owner, me, 0);
        if (owner != 0 && owner != me)
            ThrowConcurrent(member, owner);
        int token = 0;
        if (owner == 0)
        {
            _member = member;
            token = ReleaseOwner;
        }
        try
        {
            if (IsSession)
            {
                if (writes) ThrowSessionWrite(member);
                if (token != 0)
                {
                    if (!_weights.TryEnterRead()) ThrowWeightsBusy(member, reading: true);
                    token |= ReleaseRead;
                }
            }
            else if (writes && !_writing)
            {
                if (!_weights.TryEnterWrite()) ThrowWeightsBusy(member, reading: false);
                _writing = true;
                token |= ReleaseWrite;
            }
            return token;
        }
        catch
        {
            Exit(token);
            throw;
        }
    }

    /// <summary>Leaves the call <see cref="Enter"/> returned <paramref name="token"/> for.</summary>
    public void Exit(int token)
    {
        if ((token & ReleaseWrite) != 0)
        {
            _writing = false;
            _weights.ExitWrite();
        }
        if ((token & ReleaseRead) != 0) _weights.ExitRead();
        if ((token & ReleaseOwner) != 0)
        {
            _member = null;
            Volatile.Write(ref _owner, 0);
        }
    }

    [DoesNotReturn]
    private void ThrowConcurrent(string member, int owner)
    {
        string running = Volatile.Read(ref _member) is { } m ? $"{ModelName}.{m}" : "another call";
        throw new InvalidOperationException(
            $"{ModelName}.{member} was called on thread {Environment.CurrentManagedThreadId} while {running} is running on thread {owner}. " +
            $"A model instance runs one call at a time (its activations live in one workspace); to predict from several threads, " +
            $"give each thread its own CreateInferenceSession() (sessions share the weights, not the workspace).");
    }

    [DoesNotReturn]
    private void ThrowSessionWrite(string member) =>
        throw new InvalidOperationException(
            $"{ModelName}.{member} changes the weights, but this {ModelName} is an inference session sharing the weights of the model " +
            "it was created from; call it on that model (while no session is predicting).");

    [DoesNotReturn]
    private void ThrowWeightsBusy(string member, bool reading) =>
        throw new InvalidOperationException(reading
            ? $"{ModelName}.{member} on an inference session was called while the model it shares weights with is changing them (training, loading or re-initialising); sessions may predict only while the weights stay still."
            : $"{ModelName}.{member} changes the weights while {_weights.Readers} inference session(s) are predicting with them; wait for them to finish, or train a separate model.");

    /// <summary>
    /// Reader/writer state of one parameter arena, shared by a model and its inference sessions: a
    /// count of sessions inside a call (≥ 0) or -1 while the model changes the weights. Nobody waits:
    /// a conflicting entry throws.
    /// </summary>
    private sealed class SharedWeights
    {
        private int _state;

        public int Readers => Math.Max(Volatile.Read(ref _state), 0);

        public bool TryEnterRead()
        {
            while (true)
            {
                int s = Volatile.Read(ref _state);
                if (s < 0) return false;
                if (Interlocked.CompareExchange(ref _state, s + 1, s) == s) return true;
            }
        }

        public void ExitRead() => Interlocked.Decrement(ref _state);

        public bool TryEnterWrite() => Interlocked.CompareExchange(ref _state, -1, 0) == 0;

        public void ExitWrite() => Volatile.Write(ref _state, 0);
    }
}
