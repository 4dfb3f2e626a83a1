using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using Xunit;

namespace Axon.Runtime.Tests;

/// <summary>
/// Namespace layering of Axon.Runtime, read from the compiled assembly: signatures (base types, interfaces, fields,
/// properties, parameters, returns) and every type, method and field token in the method bodies, including those of
/// compiler-generated nested types (lambdas, iterators, async state machines).
/// </summary>
public class NamespaceDependencyTests
{
    private static readonly Assembly Runtime = typeof(IModel).Assembly;

    [Fact]
    public void AdversarialNeverReferencesTraining()
    {
        // Training uses Adversarial (FitOptions.Adversarial, the adversarial step inside Fit); the reverse edge made a
        // cycle. Shared helpers belong in a neutral namespace (the dataset check lives in Axon.Data).
        var found = References("Axon.Adversarial", "Axon.Training");
        Assert.True(found.Count == 0, "Axon.Adversarial references Axon.Training:\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheCheckFindsTrainingsUseOfAdversarial()
    {
        // The reader must see the edge that is meant to be there: a field type, a constructor parameter and a static call.
        var found = References("Axon.Training", "Axon.Adversarial");
        Assert.Contains(found, f => f.EndsWith("-> Axon.Adversarial.AdversarialTrainingOptions", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("Axon.Training.StepRunner", StringComparison.Ordinal) && f.EndsWith("-> Axon.Adversarial.AdversarialStep", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("Axon.Training.Trainer.", StringComparison.Ordinal) && f.EndsWith("-> Axon.Adversarial.AdversarialStep", StringComparison.Ordinal));
    }

    /// <summary>"Type.member -> referenced type" for every use by a type of namespace <paramref name="from"/> of a type of <paramref name="to"/>.</summary>
    private static List<string> References(string from, string to)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Runtime.GetTypes().Where(t => Outer(t).Namespace == from))
        {
            void Use(string where, Type? used)
            {
                foreach (var t in Expand(used))
                    if (Outer(t).Namespace is { } ns && (ns == to || ns.StartsWith(to + ".", StringComparison.Ordinal)))
                        found.Add($"{type.FullName}.{where} -> {t.FullName ?? t.Name}");
            }

            Use("(base)", type.BaseType);
            foreach (var i in type.GetInterfaces()) Use("(interface)", i);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var f in type.GetFields(all)) Use(f.Name, f.FieldType);
            foreach (var p in type.GetProperties(all)) Use(p.Name, p.PropertyType);
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (m is MethodInfo mi) Use(m.Name, mi.ReturnType);
                foreach (var p in m.GetParameters()) Use(m.Name, p.ParameterType);
                foreach (var member in BodyTokens(m))
                    switch (member)
                    {
                        case Type t: Use(m.Name, t); break;
                        case FieldInfo f: Use(m.Name, f.DeclaringType); Use(m.Name, f.FieldType); break;
                        case MethodBase callee:
                            Use(m.Name, callee.DeclaringType);
                            if (callee is MethodInfo c) Use(m.Name, c.ReturnType);
                            if (callee.IsGenericMethod) foreach (var a in callee.GetGenericArguments()) Use(m.Name, a);
                            foreach (var p in callee.GetParameters()) Use(m.Name, p.ParameterType);
                            break;
                    }
            }
        }
        return found.ToList();
    }

    private static Type Outer(Type t)
    {
        while (t.DeclaringType is { } d && !t.IsGenericParameter) t = d;
        return t;
    }

    /// <summary>A type and the types it is built from: element types, generic arguments, function-pointer signatures.</summary>
    private static IEnumerable<Type> Expand(Type? t)
    {
        if (t is null || t.IsGenericParameter) yield break;
        if (t.HasElementType)
        {
            foreach (var e in Expand(t.GetElementType())) yield return e;
            yield break;
        }
        if (t.IsFunctionPointer)
        {
            foreach (var e in Expand(t.GetFunctionPointerReturnType())) yield return e;
            foreach (var p in t.GetFunctionPointerParameterTypes())
                foreach (var e in Expand(p)) yield return e;
            yield break;
        }
        yield return t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var e in Expand(a)) yield return e;
    }

    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>The types, fields and methods named by the tokens of <paramref name="method"/>'s IL.</summary>
    private static IEnumerable<MemberInfo> BodyTokens(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            short code = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var operand = Operands[code];
            switch (operand)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArgs, methodArgs)!;
                    at += 4;
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: at += 1; break;
                case OperandType.InlineVar: at += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: at += 8; break;
                case OperandType.InlineSwitch: at += 4 + 4 * BitConverter.ToInt32(il, at); break;
                default: at += 4; break; // branch targets, int32, string and signature tokens, float32
            }
        }
    }
}
