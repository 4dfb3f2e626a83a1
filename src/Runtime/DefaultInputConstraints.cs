using System.Runtime.CompilerServices;

namespace Axon;

/// <summary>The uniform constraints of models that do not generate their own, cached per instance (so the lookup allocates nothing after the first).</summary>
internal static class DefaultInputConstraints
{
    private static readonly ConditionalWeakTable<IModel, InputConstraints> s_cache = new();

    public static InputConstraints For(IModel model) =>
        s_cache.TryGetValue(model, out var cached) ? cached
            : s_cache.GetValue(model, m => InputConstraints.Uniform(m.InputSize, m.InputMin, m.InputMax, m.Name));
}
