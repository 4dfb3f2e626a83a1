using System;
using Axon.Data;
using Axon.Training;

namespace Axon.Distributed;

/// <summary>Splits a dataset into the equal shards that data-parallel training needs, one per rank.</summary>
public static class DatasetSharding
{
    /// <summary>
    /// Rank <paramref name="rank"/>'s shard of <paramref name="data"/> among <paramref name="ranks"/>: the samples
    /// <c>rank, rank + ranks, rank + 2·ranks, …</c> below <c>ranks·⌊Count/ranks⌋</c>, so every shard has <c>⌊Count/ranks⌋</c> samples
    /// (the last <c>Count mod ranks</c> samples are left out; data-parallel training needs equal shards so every rank takes the same
    /// number of steps). With <see cref="FitOptions.Shuffle"/> off, local batch k of every rank together are exactly the samples of
    /// batch k of one process training the unsharded data with batch <c>ranks·BatchSize</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ranks"/> &lt; 1, <paramref name="rank"/> outside [0, ranks), or fewer samples than ranks.</exception>
    public static Dataset Shard(this Dataset data, int rank, int ranks)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank {rank} is outside [0, {ranks}).");
        int per = data.Count / ranks;
        if (per == 0) throw new ArgumentOutOfRangeException(nameof(data), data.Count, $"{data.Count} samples cannot give each of {ranks} ranks one.");
        var indices = new int[per];
        for (int i = 0; i < per; i++) indices[i] = i * ranks + rank;
        return data.Subset(indices);
    }

    /// <summary>This process's shard of <paramref name="data"/> in <paramref name="group"/> (<see cref="Shard(Dataset, int, int)"/>).</summary>
    public static Dataset Shard(this Dataset data, ProcessGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return data.Shard(group.Rank, group.Size);
    }
}
