using System.Collections.Generic;

namespace Axon.Serialization;

/// <summary>What a load with <see cref="LoadOptions"/> did.</summary>
/// <param name="Loaded">The model's tensors that received values from the file, in file order.</param>
/// <param name="SkippedFromFile">The file's tensors (by their names in the file) that the model has no place for; always empty when strict.</param>
/// <param name="NotInFile">The model's tensors the file did not provide; they keep their values. Always empty when strict.</param>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> SkippedFromFile, IReadOnlyList<string> NotInFile);
