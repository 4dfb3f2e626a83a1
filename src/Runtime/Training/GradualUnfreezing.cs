using System;
using System.Collections.Generic;

namespace Axon.Training;

/// <summary>
/// Gradual unfreezing (Howard and Ruder, 2018, ULMFiT), as a <see cref="FitOptions.Unfreezing"/>
/// schedule: the first epoch trains only the top layer group, and every
/// <see cref="EpochsPerGroup"/> epochs one more group below it becomes trainable, until the whole
/// model trains. Fine-tuning from the top down keeps the general features of the lower layers from
/// being overwritten while the new head is still random.
/// </summary>
/// <remarks>
/// <para>
/// With <c>G</c> groups (<see cref="TransferExtensions.LayerGroups"/>), epoch <c>e</c> (from 1)
/// trains the top <c>k(e) = min(G, InitialGroups + ⌊(e − 1)/EpochsPerGroup⌋)</c> groups; every
/// layer of the other <c>G − k(e)</c> groups is frozen. <see cref="Apply"/> sets the state of every
/// layer at the start of each epoch, so a freeze set by hand is overridden, and it stays as the
/// last epoch left it when <see cref="Trainer.Fit"/> returns.
/// </para>
/// <para>
/// Combine it with discriminative rates as ULMFiT does: call
/// <see cref="TransferExtensions.UnfreezeAll"/> and
/// <see cref="TransferExtensions.SetDiscriminativeLearningRates"/> before <c>Fit</c>; the scales
/// stay on the frozen layers and apply once they are unfrozen.
/// </para>
/// <para>
/// Adam's bias correction counts the model's steps, not each layer's, so a group that joins late
/// starts with zero moments and a large step count; its first updates are then up to about 6.5×
/// the rate (the first-moment estimate warms up faster than the second). Lower rates for lower
/// groups (discriminative rates) keep this in check; <see cref="FineTune"/> resets the optimizer instead.
/// </para>
/// </remarks>
public sealed class GradualUnfreezing
{
    /// <summary>Groups trainable in the first epoch, counted from the top; at least 1. Default: 1 (the head alone).</summary>
    public int InitialGroups { get; init; } = 1;

    /// <summary>Epochs between two unfreezings; at least 1. Default: 1 (one more group every epoch, as ULMFiT).</summary>
    public int EpochsPerGroup { get; init; } = 1;

    /// <summary>
    /// The first layer of each group, bottom to top, as in <see cref="TransferExtensions.LayerGroups"/>.
    /// Default (null): a group per layer with parameters, normalisation layers joining the layer before them.
    /// </summary>
    public IReadOnlyList<Layer>? GroupStarts { get; init; }

    /// <summary>
    /// How many groups, counted from the top, epoch <paramref name="epoch"/> trains:
    /// <c>min(groupCount, InitialGroups + ⌊(epoch − 1)/EpochsPerGroup⌋)</c>.
    /// </summary>
    /// <param name="epoch">The epoch's number, from 1.</param>
    /// <param name="groupCount">Number of groups, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument or a setting is out of range.</exception>
    public int TrainableGroups(int epoch, int groupCount)
    {
        CheckSettings();
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 1);
        long k = InitialGroups + (long)(epoch - 1) / EpochsPerGroup;
        return (int)Math.Min(groupCount, k);
    }

    /// <summary>
    /// Sets which layers train in epoch <paramref name="epoch"/>: unfreezes every layer of the top
    /// <see cref="TrainableGroups"/> groups and freezes every other layer. <see cref="Trainer.Fit"/>
    /// calls it at the start of each epoch; everything is checked before any layer changes.
    /// </summary>
    /// <param name="model">The model being trained.</param>
    /// <param name="epoch">The epoch about to start, from 1.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or <see cref="GroupStarts"/> does not fit the model.</exception>
    public void Apply(IModel model, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var groups = model.LayerGroups(GroupStarts);
        int trainable = TrainableGroups(epoch, groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            bool frozen = g < groups.Count - trainable;
            foreach (var layer in groups[g])
            {
                if (frozen) layer.Freeze();
                else layer.Unfreeze();
            }
        }
    }

    private void CheckSettings()
    {
        if (InitialGroups < 1)
            throw new ArgumentOutOfRangeException(nameof(InitialGroups), InitialGroups, "InitialGroups must be at least 1.");
        if (EpochsPerGroup < 1)
            throw new ArgumentOutOfRangeException(nameof(EpochsPerGroup), EpochsPerGroup, "EpochsPerGroup must be at least 1.");
    }
}
