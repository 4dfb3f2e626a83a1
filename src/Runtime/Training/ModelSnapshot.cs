using System;

namespace Axon.Training;

/// <summary>
/// A copy of a model's whole parameter arena (<see cref="IModel.Parameters"/>, so BatchNorm running statistics too) and its
/// optimizer's state, step count and learning rate: what early stopping keeps of the best epoch and what the divergence guard
/// restores.
/// </summary>
public sealed class ModelSnapshot
{
    private readonly float[] _parameters, _state;

    private ModelSnapshot(IModel model)
    {
        _parameters = new float[model.Parameters.Length];
        _state = new float[model.Optimizer.StateLength];
        ModelName = model.Name;
    }

    /// <summary>The model class it was taken from.</summary>
    public string ModelName { get; }

    /// <summary>The optimizer's step count at the time.</summary>
    public long StepCount { get; private set; }

    /// <summary>The optimizer's learning rate at the time.</summary>
    public float LearningRate { get; private set; }

    /// <summary>The parameters as they were.</summary>
    public ReadOnlySpan<float> Parameters => _parameters;

    /// <summary>Takes a snapshot of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">The model does not expose its parameters (not a generated model).</exception>
    public static ModelSnapshot Take(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var snapshot = new ModelSnapshot(model);
        snapshot.CopyFrom(model);
        return snapshot;
    }

    /// <summary>Overwrites this snapshot with the model's current state, without allocating.</summary>
    public void CopyFrom(IModel model)
    {
        Check(model);
        model.Parameters.CopyTo(_parameters);
        model.Optimizer.State.CopyTo(_state);
        StepCount = model.Optimizer.StepCount;
        LearningRate = model.Optimizer.LearningRate;
    }

    /// <summary>Puts the parameters, optimizer state, step count and learning rate back into <paramref name="model"/>.</summary>
    public void RestoreTo(IModel model)
    {
        Check(model);
        _parameters.CopyTo(model.Parameters);
        model.Optimizer.RestoreState(_state, StepCount);
        model.Optimizer.LearningRate = LearningRate;
    }

    private void Check(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Name != ModelName || model.Parameters.Length != _parameters.Length || model.Optimizer.StateLength != _state.Length)
            throw new ArgumentException(
                $"the snapshot was taken from {ModelName} ({_parameters.Length} parameter values, {_state.Length} optimizer values); " +
                $"{model.Name} has {model.Parameters.Length} and {model.Optimizer.StateLength}.", nameof(model));
    }
}
