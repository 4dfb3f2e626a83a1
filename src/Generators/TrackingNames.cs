namespace Axon.Generators;

/// <summary>Names of the pipeline steps, so tests can check each one is cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string ShapeInference = nameof(ShapeInference);
    public const string Transfer = nameof(Transfer);
    public const string Plan = nameof(Plan);
    public const string Emit = nameof(Emit);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Stub = nameof(Stub);

    public static readonly string[] All = [Parse, ShapeInference, Transfer, Plan, Emit, Diagnostics, Stub];
}
