using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using System.Xml.Linq;

namespace MixAug.Sweep;

/// <summary>
/// A seeded, reflection-driven sweep of a public API: every public constructor, static method and instance method of the
/// exported types of some assemblies is called with generated arguments (valid ones, extremes, NaN, infinities,
/// undefined enum values, null, empty and wrong-length spans), and each call must either return or throw a documented
/// exception: an <see cref="ArgumentException"/> (or subclass) whose <see cref="ArgumentException.ParamName"/> is one
/// of the member's parameters, or a type the member's XML documentation names in an <c>&lt;exception&gt;</c> tag. A call
/// that throws must leave every buffer the caller passed unchanged; read-only inputs must be unchanged after any call.
/// A new public member is swept automatically; one that cannot be is listed in <see cref="Exclusions"/> with a reason.
/// </summary>
/// <remarks>
/// Spans cannot be boxed, so each member is called through a small dynamic method that takes its arguments as an
/// <c>object[]</c> and turns arrays into <see cref="Span{T}"/> and <see cref="ReadOnlySpan{T}"/>; a null array becomes an
/// empty span.
/// </remarks>
internal sealed class ApiSweep
{
    private readonly List<ValueRule> _rules = [];
    private readonly Dictionary<string, XmlMember> _docs = [];

    /// <summary>Members not swept, by <see cref="Describe(MethodBase)"/>, with the reason.</summary>
    public Dictionary<string, string> Exclusions { get; } = [];

    /// <summary>Values for one parameter of one member (work sizes that are valid but would take minutes, say), by "Member/parameter".</summary>
    public Dictionary<string, Func<SweepContext, object?>> ParameterOverrides { get; } = [];

    /// <summary>Names an exception may give besides the member's parameters, by "Type.Member": a documented parameter-like
    /// name such as the dictionary key a collate function reports (its callers know the key, not the argument).</summary>
    public Dictionary<string, string[]> ExtraParameterNames { get; } = [];

    /// <summary>Compares a value before and after a call; null when the type holds no caller state to compare.</summary>
    public List<BufferRule> Buffers { get; } = [];

    /// <summary>Checks a returned value; returns a complaint or null.</summary>
    public List<Func<MethodBase, object?, string?>> ResultChecks { get; } = [];

    /// <summary>Where each call is written before it is made (to find a call that crashes the process), or null.</summary>
    public TextWriter? Trace { get; set; } =
        Environment.GetEnvironmentVariable("MIXAUG_SWEEP_TRACE") is string path ? new StreamWriter(path, append: false) : null;

    /// <summary>Called before every case, before its arguments are made (to open a dispose scope, say).</summary>
    public Action? BeforeCase { get; set; }

    /// <summary>Called after every case (to dispose what it created, say).</summary>
    public Action? AfterCase { get; set; }

    /// <summary>Adds a value rule: the first matching rule of the most recently added makes the value.</summary>
    public void Add(Func<Type, bool> matches, Func<SweepContext, Type, object?> make) => _rules.Insert(0, new ValueRule(matches, make));

    /// <summary>Adds a value rule for one exact type.</summary>
    public void Add<T>(Func<SweepContext, object?> make) => Add(t => t == typeof(T), (c, _) => make(c));

    /// <summary>Every sweepable member of <paramref name="assemblies"/>' exported types, in a stable order.</summary>
    public IReadOnlyList<MethodBase> Members(params Assembly[] assemblies)
    {
        var members = new List<MethodBase>();
        foreach (Assembly assembly in assemblies)
        {
            LoadDocs(assembly);
            foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                if (type.IsInterface || typeof(Delegate).IsAssignableFrom(type) || type.IsEnum)
                {
                    continue;
                }

                if (!type.IsAbstract)
                {
                    members.AddRange(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
                }

                members.AddRange(type.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                    .Where(m => !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal)));
            }
        }

        return [.. members.OrderBy(Describe, StringComparer.Ordinal)];
    }

    /// <summary>Runs <paramref name="casesPerMember"/> cases of every member; returns what was tried and what failed.</summary>
    public SweepResult Run(IReadOnlyList<MethodBase> members, int seed, int casesPerMember)
    {
        var result = new SweepResult();
        foreach (MethodBase declared in members)
        {
            string name = Describe(declared);
            if (Environment.GetEnvironmentVariable("MIXAUG_SWEEP_ONLY") is string only && !name.Contains(only, StringComparison.Ordinal))
            {
                continue; // debugging aid: sweep one member
            }

            if (Exclusions.TryGetValue(name, out string? reason) || Exclusions.TryGetValue(declared.DeclaringType!.FullName + ".*", out reason))
            {
                result.Excluded.Add($"{name}: {reason}");
                continue;
            }

            if (declared.GetParameters().Any(p => p.ParameterType.IsByRef))
            {
                result.Excluded.Add($"{name}: by-reference parameters (a record's Deconstruct); nothing to validate");
                continue;
            }

            long memberStart = Environment.TickCount64;
            MethodBase member = Close(declared);
            Func<object?[], object?> invoke = Invoker(member);
            bool hasReceiver = !member.IsStatic && member is not ConstructorInfo;
            ParameterInfo[] parameters = member.GetParameters();
            string[] names = [.. parameters.Select(p => p.Name!)];
            string[] accepted = ExtraParameterNames.TryGetValue($"{declared.DeclaringType!.Name}.{declared.Name}", out string[]? extra) ? [.. names, .. extra] : names;
            XmlMember? docs = FindDocs(declared);
            var random = new Random(unchecked((seed * 31) + StableHash(name))); // HashCode.Combine is salted per process
            for (int c = 0; c < casesPerMember; c++)
            {
                Trace?.WriteLine("  case");
                Trace?.Flush();
                BeforeCase?.Invoke();
                var context = new SweepContext(random);
                // Half the cases are plausible except for one argument; the others are extreme throughout.
                int extremeIndex = random.Next(2) == 0 ? random.Next(Math.Max(parameters.Length, 1)) : -1;
                var args = new object?[parameters.Length + (hasReceiver ? 1 : 0)];
                try
                {
                    if (hasReceiver)
                    {
                        args[0] = Make(context, member.DeclaringType!, extreme: false, receiver: true);
                        if (args[0] is null)
                        {
                            result.Excluded.Add($"{name}: no instance of {member.DeclaringType!.Name} to call it on");
                            AfterCase?.Invoke();
                            break;
                        }
                    }

                    for (int p = 0; p < parameters.Length; p++)
                    {
                        context.Parameter = parameters[p];
                        bool extreme = extremeIndex < 0 || extremeIndex == p;
                        Trace?.WriteLine($"  making {parameters[p].Name}");
                        Trace?.Flush();
                        args[p + (hasReceiver ? 1 : 0)] = ParameterOverrides.TryGetValue($"{declared.DeclaringType!.Name}.{declared.Name}/{parameters[p].Name}", out var make)
                            ? make(context)
                            : Make(context, parameters[p].ParameterType, extreme && random.Next(4) != 0, receiver: false);
                    }
                }
                catch (NoRuleException e)
                {
                    result.Excluded.Add($"{name}: no value rule for {e.Type}");
                    AfterCase?.Invoke();
                    break;
                }

                result.Cases++;
                string call = $"{name}({string.Join(", ", args.Skip(hasReceiver ? 1 : 0).Select(Show))}){(hasReceiver ? " on " + Show(args[0]) : string.Empty)}";
                Trace?.WriteLine($"{Environment.TickCount64} {call}");
                Trace?.Flush();
                List<(int Index, object Snapshot, BufferRule Rule)> before = Snapshots(args);
                Trace?.WriteLine("  invoking");
                Trace?.Flush();
                Exception? thrown = null;
                object? returned = null;
                long start = Environment.TickCount64;
                try
                {
                    returned = invoke(args);
                }
                catch (Exception e)
                {
                    thrown = e;
                }

                Trace?.WriteLine($"  {(thrown is null ? "returned" : "threw " + thrown.GetType().Name + ": " + FirstLine(thrown.Message))}");
                Trace?.Flush();
                long elapsed = Environment.TickCount64 - start;
                if (elapsed > result.SlowestMilliseconds)
                {
                    result.SlowestMilliseconds = elapsed;
                    result.Slowest = call;
                }

                string? failure = thrown is null
                    ? ResultChecks.Select(check => check(member, returned)).FirstOrDefault(m => m is not null)
                    : Classify(thrown, accepted, docs);
                foreach ((int index, object snapshot, BufferRule rule) in before)
                {
                    bool readOnly = index >= (hasReceiver ? 1 : 0) && rule.IsReadOnly(parameters[index - (hasReceiver ? 1 : 0)]);
                    if ((thrown is not null || readOnly) && rule.Changed(args[index]!, snapshot) is string change)
                    {
                        failure ??= $"{(thrown is null ? "returned" : $"threw {thrown.GetType().Name}")} but changed {(index == 0 && hasReceiver ? "the receiver" : names[index - (hasReceiver ? 1 : 0)])}: {change}";
                    }
                }

                Trace?.WriteLine("  checked");
                Trace?.Flush();
                if (failure is not null)
                {
                    result.Failures.Add($"{call}: {failure}");
                    result.FailedMembers.Add(name);
                }

                result.Outcomes[thrown is null ? "returned" : thrown.GetType().Name] = result.Outcomes.GetValueOrDefault(thrown is null ? "returned" : thrown.GetType().Name) + 1;
                AfterCase?.Invoke();
            }

            result.Members++;
            result.MemberMilliseconds[name] = Environment.TickCount64 - memberStart;
        }

        return result;
    }

    /// <summary>A short, stable name of a member: <c>Type.Method(ParamType, …)</c>.</summary>
    public static string Describe(MethodBase member) =>
        $"{member.DeclaringType!.Name}.{(member is ConstructorInfo ? "ctor" : member.Name)}({string.Join(", ", member.GetParameters().Select(p => TypeName(p.ParameterType)))})";

    /// <summary>Makes a value of <paramref name="type"/> with the rules.</summary>
    public object? Make(SweepContext context, Type type, bool extreme, bool receiver = false)
    {
        context.Extreme = extreme;
        context.Receiver = receiver;
        foreach (ValueRule rule in _rules)
        {
            if (rule.Matches(type))
            {
                object? value = rule.Make(context, type);
                context.Note(value);
                return value;
            }
        }

        throw new NoRuleException(type);
    }

    private List<(int, object, BufferRule)> Snapshots(object?[] args)
    {
        var list = new List<(int, object, BufferRule)>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is object value)
            {
                foreach (BufferRule rule in Buffers)
                {
                    if (rule.Snapshot(value) is object snapshot)
                    {
                        list.Add((i, snapshot, rule));
                        break;
                    }
                }
            }
        }

        return list;
    }

    private static string? Classify(Exception thrown, string[] names, XmlMember? docs)
    {
        if (thrown is ArgumentException argument)
        {
            if (argument.ParamName is null || !names.Contains(argument.ParamName))
            {
                return $"{thrown.GetType().Name} names '{argument.ParamName ?? "no parameter"}', not one of ({string.Join(", ", names)}): {FirstLine(thrown.Message)}";
            }

            if (string.IsNullOrWhiteSpace(argument.Message))
            {
                return $"{thrown.GetType().Name} without a message";
            }

            return null;
        }

        if (docs is not null)
        {
            for (Type? t = thrown.GetType(); t is not null; t = t.BaseType)
            {
                if (docs.Exceptions.Contains(t.FullName!))
                {
                    return null;
                }
            }
        }

        return $"undocumented {thrown.GetType().FullName}: {FirstLine(thrown.Message)}{(thrown.StackTrace is string s ? " at " + FirstLine(s.Trim()) : string.Empty)}";
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOf('\n');
        return end < 0 ? text : text[..end].TrimEnd();
    }

    /// <summary>Closes a generic method over <see cref="object"/>.</summary>
    private static MethodBase Close(MethodBase member) =>
        member is MethodInfo { IsGenericMethodDefinition: true } generic
            ? generic.MakeGenericMethod([.. generic.GetGenericArguments().Select(_ => typeof(object))])
            : member;

    private static Func<object?[], object?> Invoker(MethodBase member)
    {
        ParameterInfo[] parameters = member.GetParameters();
        bool hasReceiver = !member.IsStatic && member is not ConstructorInfo;
        var method = new DynamicMethod("sweep", typeof(object), [typeof(object?[])], typeof(ApiSweep).Module, skipVisibility: true);
        ILGenerator il = method.GetILGenerator();
        if (hasReceiver)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Ldelem_Ref);
            if (member.DeclaringType!.IsValueType)
            {
                il.Emit(OpCodes.Unbox, member.DeclaringType);
            }
            else
            {
                il.Emit(OpCodes.Castclass, member.DeclaringType);
            }
        }

        for (int p = 0; p < parameters.Length; p++)
        {
            Type type = parameters[p].ParameterType;
            if (type.IsByRef)
            {
                throw new NotSupportedException($"{Describe(member)} has a by-reference parameter.");
            }

            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, p + (hasReceiver ? 1 : 0));
            il.Emit(OpCodes.Ldelem_Ref);
            if (SpanElement(type) is Type element)
            {
                il.Emit(OpCodes.Castclass, element.MakeArrayType());
                il.Emit(OpCodes.Newobj, type.GetConstructor([element.MakeArrayType()])!);
            }
            else if (type.IsValueType)
            {
                il.Emit(OpCodes.Unbox_Any, type);
            }
            else
            {
                il.Emit(OpCodes.Castclass, type);
            }
        }

        Type returned;
        if (member is ConstructorInfo constructor)
        {
            il.Emit(OpCodes.Newobj, constructor);
            returned = constructor.DeclaringType!;
        }
        else
        {
            var info = (MethodInfo)member;
            il.Emit(info.IsVirtual && !info.DeclaringType!.IsValueType ? OpCodes.Callvirt : OpCodes.Call, info);
            returned = info.ReturnType;
        }

        if (returned == typeof(void))
        {
            il.Emit(OpCodes.Ldnull);
        }
        else if (SpanElement(returned) is Type element)
        {
            LocalBuilder local = il.DeclareLocal(returned);
            il.Emit(OpCodes.Stloc, local);
            il.Emit(OpCodes.Ldloca, local);
            il.Emit(OpCodes.Call, returned.GetMethod("ToArray")!);
        }
        else if (returned.IsValueType)
        {
            il.Emit(OpCodes.Box, returned);
        }

        il.Emit(OpCodes.Ret);
        return (Func<object?[], object?>)method.CreateDelegate(typeof(Func<object?[], object?>));
    }

    /// <summary>The element type of <see cref="Span{T}"/> or <see cref="ReadOnlySpan{T}"/>, or null.</summary>
    public static Type? SpanElement(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>))
            ? type.GetGenericArguments()[0]
            : null;

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;

    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => s.Length > 40 ? $"\"{s[..40]}…\"" : $"\"{s}\"",
        Array a => $"{a.GetType().GetElementType()!.Name}[{a.Length}]",
        double d => d.ToString("R"),
        float f => f.ToString("R"),
        _ => Truncate(value.ToString() ?? value.GetType().Name),
    };

    private static string Truncate(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private static int StableHash(string text)
    {
        unchecked
        {
            int h = 17;
            foreach (char ch in text)
            {
                h = (h * 31) + ch;
            }

            return h;
        }
    }

    private void LoadDocs(Assembly assembly)
    {
        string path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The XML documentation of {assembly.GetName().Name} is not next to it; the sweep needs it to know the documented exceptions.", path);
        }

        foreach (XElement member in XDocument.Load(path).Descendants("member"))
        {
            string id = (string)member.Attribute("name")!;
            _docs[id] = new XmlMember(
                id,
                [.. member.Elements("param").Select(p => (string)p.Attribute("name")!)],
                [.. member.Elements("exception").Select(e => ((string)e.Attribute("cref")!)[2..])]);
        }
    }

    /// <summary>The documentation entry of a member: same type, name and parameter names.</summary>
    private XmlMember? FindDocs(MethodBase member)
    {
        string type = member.DeclaringType!.FullName!.Replace('+', '.');
        string prefix = $"M:{type}.{(member is ConstructorInfo ? "#ctor" : member.Name)}";
        string[] names = [.. member.GetParameters().Select(p => p.Name!)];
        XmlMember[] candidates = [.. _docs.Values.Where(d =>
            (d.Id == prefix || d.Id.StartsWith(prefix + "(", StringComparison.Ordinal) || d.Id.StartsWith(prefix + "``", StringComparison.Ordinal)) &&
            ParameterCount(d.Id) == names.Length)];

        // Overloads with as many parameters are told apart by their documented names (an <inheritdoc/> member has none).
        return candidates.FirstOrDefault(d => d.Parameters.SequenceEqual(names)) ?? (candidates.Length == 1 ? candidates[0] : null);
    }

    /// <summary>The number of parameters in a documentation ID such as <c>M:N.T.M(System.Int32,System.Span{System.Single})</c>.</summary>
    private static int ParameterCount(string id)
    {
        int open = id.IndexOf('(');
        if (open < 0)
        {
            return 0;
        }

        int depth = 0, count = 1;
        foreach (char ch in id[(open + 1)..^1])
        {
            depth += ch is '{' or '[' ? 1 : ch is '}' or ']' ? -1 : 0;
            count += ch == ',' && depth == 0 ? 1 : 0;
        }

        return count;
    }

    private sealed record XmlMember(string Id, string[] Parameters, string[] Exceptions);

    private sealed record ValueRule(Func<Type, bool> Matches, Func<SweepContext, Type, object?> Make);

    private sealed class NoRuleException(Type type) : Exception($"No value rule for {type}.")
    {
        public Type Type { get; } = type;
    }
}

/// <summary>What a value rule may look at: the generator, whether to be extreme, and the lengths seen so far in the case.</summary>
internal sealed class SweepContext(Random random)
{
    /// <summary>The seeded generator of the case.</summary>
    public Random Random { get; } = random;

    /// <summary>True when the value should be an extreme (invalid, huge, null, NaN) rather than a plausible one.</summary>
    public bool Extreme { get; set; }

    /// <summary>True when the value is the receiver of an instance method (never null).</summary>
    public bool Receiver { get; set; }

    /// <summary>The parameter being made, if any.</summary>
    public ParameterInfo? Parameter { get; set; }

    /// <summary>Lengths and counts implied by the values made so far (batch sizes, plane sizes, element counts).</summary>
    public List<long> Lengths { get; } = [];

    /// <summary>The batch size implied by the values so far, if any.</summary>
    public int? Batch { get; set; }

    /// <summary>Values made earlier in the case that later rules may follow (the plan, say), by name.</summary>
    public Dictionary<string, object> Items { get; } = [];

    /// <summary>Picks one of <paramref name="values"/>.</summary>
    public T Pick<T>(params T[] values) => values[Random.Next(values.Length)];

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>A length for a span or list: mostly one the case already implies, sometimes one off, empty or random.</summary>
    public int Length()
    {
        if (Lengths.Count > 0 && !Extreme && Chance(0.85))
        {
            return (int)Math.Min(Pick([.. Lengths]), 1 << 16);
        }

        if (Lengths.Count > 0 && Chance(0.5))
        {
            return (int)Math.Clamp(Pick([.. Lengths]) + Pick(-1, 1), 0, 1 << 16);
        }

        return Pick(0, 1, 2, 3, 4, 7, 16, Random.Next(0, 64));
    }

    /// <summary>Records the lengths a value implies (rules call <see cref="Imply"/> through <see cref="ApiSweep"/>).</summary>
    public void Note(object? value) => Noted?.Invoke(this, value);

    /// <summary>Adds lengths implied by a value.</summary>
    public void Imply(params long[] lengths)
    {
        foreach (long length in lengths)
        {
            if (length >= 0 && !Lengths.Contains(length))
            {
                Lengths.Add(length);
            }
        }
    }

    /// <summary>Hook that turns a made value into implied lengths (set by the sweep's owner).</summary>
    public static Action<SweepContext, object?>? Noted { get; set; }
}

/// <summary>How to snapshot a kind of caller buffer and tell whether a call changed it.</summary>
/// <param name="Snapshot">A copy of the value's content, or null when the rule does not apply.</param>
/// <param name="Changed">A description of the change, or null.</param>
/// <param name="IsReadOnly">True when the parameter may never be written (a read-only span, an input tensor).</param>
internal sealed record BufferRule(Func<object, object?> Snapshot, Func<object, object, string?> Changed, Func<ParameterInfo, bool> IsReadOnly);

/// <summary>What a sweep did.</summary>
internal sealed class SweepResult
{
    public int Members { get; set; }

    public int Cases { get; set; }

    public List<string> Failures { get; } = [];

    public HashSet<string> FailedMembers { get; } = [];

    public List<string> Excluded { get; } = [];

    public Dictionary<string, int> Outcomes { get; } = [];

    public Dictionary<string, long> MemberMilliseconds { get; } = [];

    public long SlowestMilliseconds { get; set; }

    public string? Slowest { get; set; }

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Members} members, {Cases} cases, {Failures.Count} failures in {FailedMembers.Count} members; slowest case {SlowestMilliseconds} ms: {Slowest}");
        text.AppendLine("Outcomes: " + string.Join(", ", Outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        text.AppendLine("Slowest members: " + string.Join(", ", MemberMilliseconds.OrderByDescending(m => m.Value).Take(8).Select(m => $"{m.Key} {m.Value} ms")));
        foreach (string excluded in Excluded.Distinct())
        {
            text.AppendLine("Excluded: " + excluded);
        }

        foreach (IGrouping<string, string> group in Failures.GroupBy(f => f[..f.IndexOf('(')]))
        {
            text.AppendLine($"FAIL x{group.Count()}: {group.First()}");
        }

        return text.ToString();
    }
}
