using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;

namespace MixAug.TorchSharp.Testing;

/// <summary>
/// Finds, in compiled code, every TorchSharp <see cref="Scalar"/> that nothing keeps alive while libtorch reads it: the
/// cause of TorchSharp 0.107's rare "Expected false to be true" crash (docs/torchsharp.md).
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107 frees a Scalar's native handle in its finalizer, and its P/Invoke wrappers keep no reference to the
/// Scalar during the call, so a collection on another thread can free a temporary Scalar while libtorch reads it. The
/// crash depends on timing and is rare per call, so no run-time test finds every site; this scan finds them in the IL.
/// </para>
/// <para>
/// A Scalar made by a call (an implicit conversion such as <c>x.mul(0.5)</c>, <c>ToScalar</c>, any method returning
/// one) is kept when the next instruction, after nops and unconditional branches, stores it in a field, returns it to a
/// caller (who must keep it in turn), or stores it in a local that the method disposes (a <c>using</c>). A call into
/// TorchSharp is a finding when TorchSharp's own body makes an unkept Scalar, directly or through a non-virtual call:
/// <c>Tensor.add(Tensor)</c> makes its alpha of 1 so, as do <c>a + b</c>, <c>1 - a</c>, <c>a * 2.0</c> and
/// <c>arange(stop)</c>. Calls through virtual methods (a module's <c>forward</c>, an optimizer's <c>step</c>) are not
/// followed: scan the assembly that implements them.
/// </para>
/// <para>TorchSharp's IL is read once per process, on first use (about half a second). Debug and Release builds are both
/// read as they are compiled (MixAug's CI runs the scan on Debug builds, local runs on Release).</para>
/// </remarks>
/// <threadsafety>Stateless apart from that one read, which <see cref="Lazy{T}"/> guards; safe to call from several threads.</threadsafety>
/// <example>
/// A unit test that keeps a model's code free of the crash:
/// <code>
/// Assert.That(ScalarLifetimeScan.Findings(typeof(MyModel).Assembly), Is.Empty);
/// </code>
/// </example>
public static class ScalarLifetimeScan
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Lazy<HashSet<MethodBase>> RacyTorchMethods = new(FindRacyTorchMethods);

    /// <summary>Whether calling <paramref name="method"/> can crash by a temporary Scalar that TorchSharp itself makes and leaves to the finalizer.</summary>
    /// <param name="method">A method or constructor; a generic method counts as its definition.</param>
    /// <returns>True for a TorchSharp member that makes such a Scalar, directly or through a non-virtual call; false for every other method.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is null.</exception>
    public static bool IsRacy(MethodBase method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return RacyTorchMethods.Value.Contains(method is MethodInfo { IsGenericMethod: true } generic ? generic.GetGenericMethodDefinition() : method);
    }

    /// <summary>One line per unkept Scalar and per racy TorchSharp call in every method and constructor of <paramref name="assembly"/>.</summary>
    /// <param name="assembly">The assembly to scan (its types that cannot be loaded are skipped).</param>
    /// <returns>
    /// Lines of the form <c>Type.Method: …</c> naming the call and its IL offset, in the order of the assembly's types and
    /// methods; empty when every Scalar is kept.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="assembly"/> is null.</exception>
    public static IReadOnlyList<string> Findings(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return [.. MethodsOf(assembly).SelectMany(FindingsIn)];
    }

    /// <summary>One line per unkept Scalar and per racy TorchSharp call in <paramref name="method"/>'s body.</summary>
    /// <param name="method">The method or constructor to scan; one without a body has no findings.</param>
    /// <returns>Lines of the form <c>Type.Method: …</c>; empty when every Scalar is kept.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="method"/> is a <see cref="DynamicMethod"/>, whose IL reflection cannot read.</exception>
    public static IReadOnlyList<string> Findings(MethodBase method)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method is DynamicMethod)
        {
            throw new ArgumentException($"method {method.Name} is a DynamicMethod, whose IL cannot be read through reflection; scan the code that emits it.", nameof(method));
        }

        return [.. FindingsIn(method)];
    }

    private static IEnumerable<string> FindingsIn(MethodBase method)
    {
        string name = $"{method.DeclaringType?.Name}.{method.Name}";
        IReadOnlyList<IlInstruction> instructions = IlInstructions.Of(method);
        foreach ((int offset, MethodBase maker) in UnkeptScalars(method, instructions))
        {
            yield return $"{name}: the Scalar from {Describe(maker)} at IL_{offset:x4} is kept alive by nothing";
        }

        foreach (IlInstruction instruction in instructions)
        {
            if (IlInstructions.Callee(method, instruction) is { } callee && IsRacy(callee))
            {
                yield return $"{name}: calls {Describe(callee)} at IL_{instruction.Offset:x4}, which frees a temporary Scalar it makes itself";
            }
        }
    }

    // The TorchSharp methods that make an unkept Scalar themselves or through a non-virtual call, found once per process.
    private static HashSet<MethodBase> FindRacyTorchMethods()
    {
        List<MethodBase> methods = MethodsOf(typeof(Scalar).Assembly);
        Dictionary<MethodBase, IReadOnlyList<IlInstruction>> bodies = methods.ToDictionary(method => method, IlInstructions.Of);
        Dictionary<MethodBase, List<(MethodBase Callee, bool Dispatched)>> calls = methods.ToDictionary(
            method => method,
            method => bodies[method]
                .Select(instruction => (Callee: IlInstructions.Callee(method, instruction), Dispatched: instruction.OpCode == OpCodes.Callvirt))
                .Where(call => call.Callee is not null)
                .Select(call => (call.Callee!, call.Dispatched))
                .ToList());
        HashSet<MethodBase> racy = [.. methods.Where(method => UnkeptScalars(method, bodies[method]).Any())];
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (MethodBase method in methods)
            {
                // A virtual call may land in an override that makes no Scalar, so only calls whose target is fixed count.
                if (!racy.Contains(method) &&
                    calls[method].Any(call => racy.Contains(call.Callee) && !(call.Dispatched && call.Callee.IsVirtual)))
                {
                    racy.Add(method);
                    grew = true;
                }
            }
        }

        return racy;
    }

    private static IEnumerable<(int Offset, MethodBase Maker)> UnkeptScalars(MethodBase method, IReadOnlyList<IlInstruction> instructions)
    {
        for (int index = 0; index < instructions.Count; index++)
        {
            if (IlInstructions.Callee(method, instructions[index]) is { } callee && MakesScalar(callee) && !IsKept(method, instructions, index))
            {
                yield return (instructions[index].Offset, callee);
            }
        }
    }

    private static bool MakesScalar(MethodBase callee) =>
        callee is MethodInfo info ? info.ReturnType == typeof(Scalar) : callee.DeclaringType == typeof(Scalar);

    private static bool IsKept(MethodBase method, IReadOnlyList<IlInstruction> instructions, int makerIndex)
    {
        int next = Follow(instructions, makerIndex + 1);
        if (next >= instructions.Count)
        {
            return false;
        }

        IlInstruction store = instructions[next];
        if (store.OpCode == OpCodes.Stfld || store.OpCode == OpCodes.Stsfld || store.OpCode == OpCodes.Ret)
        {
            return true;
        }

        if (IlInstructions.LocalIndex(store, store: true) is not { } local)
        {
            return false;
        }

        if (IsDisposed(method, instructions, local))
        {
            return true;
        }

        // A switch or conditional expression parks its value in a local and loads it again where the arms meet; from
        // there the load is the Scalar, so what follows it decides.
        int reload = Follow(instructions, next + 1);
        return reload < instructions.Count && IlInstructions.LocalIndex(instructions[reload], store: false) == local &&
            IsKept(method, instructions, reload);
    }

    // The index of the first instruction that runs from index on, past nops, dups and unconditional branches; the count
    // of instructions when there is none. A Debug build writes some unconditional branches as "ldc.i4.1; brtrue" (so a
    // breakpoint can sit between the arms of a switch expression and their join).
    private static int Follow(IReadOnlyList<IlInstruction> instructions, int index)
    {
        for (int steps = 0; index < instructions.Count && steps < instructions.Count; steps++)
        {
            OpCode code = instructions[index].OpCode;
            if (code == OpCodes.Nop || code == OpCodes.Dup)
            {
                index++;
            }
            else if (code == OpCodes.Br || code == OpCodes.Br_S)
            {
                index = IndexAt(instructions, instructions[index].Operand);
            }
            else if (code == OpCodes.Ldc_I4_1 && index + 1 < instructions.Count &&
                (instructions[index + 1].OpCode == OpCodes.Brtrue || instructions[index + 1].OpCode == OpCodes.Brtrue_S))
            {
                index = IndexAt(instructions, instructions[index + 1].Operand);
            }
            else
            {
                return index;
            }
        }

        return instructions.Count;
    }

    private static int IndexAt(IReadOnlyList<IlInstruction> instructions, long offset)
    {
        for (int index = 0; index < instructions.Count; index++)
        {
            if (instructions[index].Offset == offset)
            {
                return index;
            }
        }

        return instructions.Count;
    }

    // A using statement ends in "ldloc N; [brfalse; ldloc N;] callvirt Dispose": a load of the local followed by a call
    // to Dispose keeps the Scalar reachable until after every call that reads it.
    private static bool IsDisposed(MethodBase method, IReadOnlyList<IlInstruction> instructions, int local)
    {
        for (int index = 0; index + 1 < instructions.Count; index++)
        {
            if (IlInstructions.LocalIndex(instructions[index], store: false) == local &&
                IlInstructions.Callee(method, instructions[index + 1]) is { Name: nameof(IDisposable.Dispose) })
            {
                return true;
            }
        }

        return false;
    }

    private static List<MethodBase> MethodsOf(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException partial)
        {
            // TorchSharp's optional parts (ONNX, image formats) need assemblies an application may not ship.
            types = [.. partial.Types.OfType<Type>()];
        }

        return [.. types.SelectMany(type => type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))];
    }

    private static string Describe(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(parameter => parameter.ParameterType.Name))})";
}
