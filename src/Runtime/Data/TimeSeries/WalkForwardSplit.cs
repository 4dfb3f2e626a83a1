namespace Axon.Data.TimeSeries;

/// <summary>
/// One fold of a <see cref="WalkForward"/> evaluation: three consecutive periods of target rows, in time order
/// (<c>Train.End ≤ Validation.Start</c>, <c>Validation.End ≤ Test.Start</c>).
/// </summary>
/// <param name="Fold">The fold's number, from 0.</param>
/// <param name="Train">The rows whose targets train the model (and on which scaling is fitted).</param>
/// <param name="Validation">The rows that choose epochs and settings; possibly empty.</param>
/// <param name="Test">The rows that are scored, after every choice was made.</param>
public sealed record WalkForwardSplit(int Fold, TimeRange Train, TimeRange Validation, TimeRange Test);
