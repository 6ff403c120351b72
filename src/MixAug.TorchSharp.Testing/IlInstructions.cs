using System.Reflection;
using System.Reflection.Emit;

namespace MixAug.TorchSharp.Testing;

/// <summary>One decoded IL instruction: its offset, its opcode and its inline operand (a token, a branch target or a local's index).</summary>
/// <param name="Offset">The instruction's offset in the method body.</param>
/// <param name="OpCode">The instruction's opcode.</param>
/// <param name="Operand">The inline operand: a metadata token, the absolute offset a branch goes to, or a local's index; 0 where there is none.</param>
internal readonly record struct IlInstruction(int Offset, OpCode OpCode, long Operand);

/// <summary>Decodes a method body's IL into instructions (enough of ECMA-335 III to follow calls, stores and branches).</summary>
internal static class IlInstructions
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(opCode => opCode.Value);

    private static readonly OpCode[] ShortStores = [OpCodes.Stloc_0, OpCodes.Stloc_1, OpCodes.Stloc_2, OpCodes.Stloc_3];
    private static readonly OpCode[] ShortLoads = [OpCodes.Ldloc_0, OpCodes.Ldloc_1, OpCodes.Ldloc_2, OpCodes.Ldloc_3];

    /// <summary>The instructions of <paramref name="method"/>'s body; empty for a method without one (abstract, extern, runtime-implemented).</summary>
    public static IReadOnlyList<IlInstruction> Of(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        var instructions = new List<IlInstruction>();
        if (il is null)
        {
            return instructions;
        }

        int position = 0;
        while (position < il.Length)
        {
            int offset = position;
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            OpCode opCode = OpCodesByValue[value];
            (long operand, int size) = opCode.OperandType switch
            {
                OperandType.InlineNone => (0L, 0),
                OperandType.ShortInlineBrTarget => (position + 1 + (sbyte)il[position], 1),
                OperandType.InlineBrTarget => (position + 4 + BitConverter.ToInt32(il, position), 4),
                OperandType.ShortInlineI or OperandType.ShortInlineVar => (il[position], 1),
                OperandType.InlineVar => (BitConverter.ToUInt16(il, position), 2),
                OperandType.InlineI8 or OperandType.InlineR => (0L, 8),
                OperandType.InlineSwitch => (0L, 4 + (4 * BitConverter.ToInt32(il, position))),
                _ => (BitConverter.ToInt32(il, position), 4),
            };
            instructions.Add(new IlInstruction(offset, opCode, operand));
            position += size;
        }

        return instructions;
    }

    /// <summary>The method or constructor an instruction with a method token calls; null when the token does not resolve.</summary>
    public static MethodBase? Callee(MethodBase caller, IlInstruction instruction)
    {
        if (instruction.OpCode.OperandType != OperandType.InlineMethod)
        {
            return null;
        }

        Type[]? typeArguments = caller.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null;
        Type[]? methodArguments = caller.IsGenericMethod ? caller.GetGenericArguments() : null;
        try
        {
            return caller.Module.ResolveMethod((int)instruction.Operand, typeArguments, methodArguments);
        }
        catch (Exception exception) when (exception is ArgumentException or TypeLoadException or FileNotFoundException or MissingMethodException)
        {
            return null;
        }
    }

    /// <summary>The index of the local an stloc (<paramref name="store"/>) or ldloc form names, or null for any other instruction.</summary>
    public static int? LocalIndex(IlInstruction instruction, bool store)
    {
        OpCode code = instruction.OpCode;
        int shortForm = Array.IndexOf(store ? ShortStores : ShortLoads, code);
        if (shortForm >= 0)
        {
            return shortForm;
        }

        bool named = store ? code == OpCodes.Stloc_S || code == OpCodes.Stloc : code == OpCodes.Ldloc_S || code == OpCodes.Ldloc;
        return named ? (int)instruction.Operand : null;
    }
}
