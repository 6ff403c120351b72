using System.Buffers.Binary;
using System.Text;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Tests.Native;

/// <summary>The GLIBCXX_3.4.32 patch: on the real libLibTorchSharp.so (a copy) and on small crafted ELF files.</summary>
public sealed class ElfPatchTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mixaug-elf-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void The_packaged_library_needs_the_version_and_a_copy_is_patched_once_by_one_bit()
    {
        string original = Path.Combine(Path.GetDirectoryName(typeof(global::TorchSharp.torch).Assembly.Location)!, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(original), Is.True, original);
        string copy = Path.Combine(_directory, "libLibTorchSharp.so");
        File.Copy(original, copy);

        // The output's copy may already be patched by the fixture: clear the bit to start from the package's state.
        byte[] bytes = File.ReadAllBytes(copy);
        VersionNeed need = ElfVersionNeeds.ReadNeeds(bytes).Single(n => n.Name == TorchSharpRuntime.UnboundVersion);
        Assert.That(need.File, Is.EqualTo("libstdc++.so.6"));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)need.FlagsOffset), (ushort)(need.Flags & ~ElfVersionNeeds.WeakFlag));
        File.WriteAllBytes(copy, bytes);

        Assert.That(TorchSharpRuntime.NeedsPatch(copy), Is.True);
        Assert.That(TorchSharpRuntime.PatchFile(copy), Is.True);
        byte[] patched = File.ReadAllBytes(copy);
        int[] changed = [.. Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != patched[i])];
        Assert.That(changed, Is.EqualTo(new[] { (int)need.FlagsOffset }), "exactly the low byte of vna_flags changes");
        Assert.That(patched[need.FlagsOffset] ^ bytes[need.FlagsOffset], Is.EqualTo(ElfVersionNeeds.WeakFlag));
        Assert.That(TorchSharpRuntime.NeedsPatch(copy), Is.False);
        Assert.That(TorchSharpRuntime.PatchFile(copy), Is.False, "a second patch changes nothing");
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(patched));
    }

    [Test]
    public void The_loader_left_TorchSharp_usable()
    {
        Assert.That(TorchSetUp.Report!.Action, Is.Not.EqualTo(TorchSharpLoadAction.NotFound));
        using Tensor t = ones(3, 4);
        Assert.That(t.sum().item<float>(), Is.EqualTo(12f));
    }

    [Test]
    public void A_crafted_file_with_the_need_is_patched_and_then_left_alone()
    {
        string path = Write(CraftedElf(("libstdc++.so.6", ["GLIBCXX_3.4.21", "GLIBCXX_3.4.32"]), ("libc.so.6", ["GLIBC_2.14"])));
        Assert.That(TorchSharpRuntime.PatchFile(path), Is.True);
        List<VersionNeed> needs = ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(path));
        Assert.That(needs.Select(n => (n.File, n.Name, n.Flags)), Is.EqualTo(new[]
        {
            ("libstdc++.so.6", "GLIBCXX_3.4.21", (ushort)0),
            ("libstdc++.so.6", "GLIBCXX_3.4.32", ElfVersionNeeds.WeakFlag),
            ("libc.so.6", "GLIBC_2.14", (ushort)0),
        }));
        byte[] once = File.ReadAllBytes(path);
        Assert.That(TorchSharpRuntime.PatchFile(path), Is.False);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(once));
    }

    [Test]
    public void A_file_without_the_need_is_not_changed()
    {
        byte[] elf = CraftedElf(("libstdc++.so.6", ["GLIBCXX_3.4.30"]), ("libGLIBCXX_3.4.32.so", ["V1"]));
        string path = Write(elf);
        Assert.That(TorchSharpRuntime.NeedsPatch(path), Is.False);
        Assert.That(TorchSharpRuntime.PatchFile(path), Is.False);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(elf));
    }

    [Test]
    public void Truncated_and_garbage_files_raise_InvalidDataException_naming_the_problem()
    {
        byte[] elf = CraftedElf(("libstdc++.so.6", ["GLIBCXX_3.4.32"]));
        Assert.That(() => TorchSharpRuntime.PatchFile(Write(elf[..100])), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("truncated"));
        Assert.That(() => TorchSharpRuntime.PatchFile(Write(elf[..^40])), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("truncated"));
        Assert.That(() => TorchSharpRuntime.PatchFile(Write(Encoding.ASCII.GetBytes("#!/bin/sh\necho not a library\n"))), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("Not an ELF file"));
        byte[] bigEndian = (byte[])elf.Clone();
        bigEndian[5] = 2;
        Assert.That(() => TorchSharpRuntime.PatchFile(Write(bigEndian)), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("64-bit little-endian"));
    }

    [Test]
    public void Version_definitions_of_the_system_libstdcxx_are_read()
    {
        string? library = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        Assume.That(library, Is.Not.Null, "no libstdc++ at the Debian path");
        List<string> versions = ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(library!));
        Assert.That(versions, Does.Contain("GLIBCXX_3.4"));
        Assert.That(versions, Does.Contain("GLIBCXX_3.4.30"), "Debian 12's libstdc++ (GCC 12)");
    }

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_directory, $"lib{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// A minimal ELF64 little-endian file: header, a string table, a <c>.gnu.version_r</c> section with the given needs,
    /// and the section header table (null, .dynstr, .gnu.version_r, .shstrtab) at the end.
    /// </summary>
    private static byte[] CraftedElf(params (string File, string[] Versions)[] needs)
    {
        var strings = new List<byte> { 0 };
        int Add(string s)
        {
            int offset = strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(s));
            strings.Add(0);
            return offset;
        }

        var verneed = new List<byte>();
        for (int n = 0; n < needs.Length; n++)
        {
            (string dependency, string[] versions) = needs[n];
            int fileName = Add(dependency);
            bool last = n == needs.Length - 1;
            int size = 16 + (16 * versions.Length);
            verneed.AddRange(U16(1));
            verneed.AddRange(U16((ushort)versions.Length));
            verneed.AddRange(U32((uint)fileName));
            verneed.AddRange(U32(16));
            verneed.AddRange(U32(last ? 0u : (uint)size));
            for (int v = 0; v < versions.Length; v++)
            {
                int name = Add(versions[v]);
                verneed.AddRange(U32(0x12345));
                verneed.AddRange(U16(0));
                verneed.AddRange(U16((ushort)(2 + v)));
                verneed.AddRange(U32((uint)name));
                verneed.AddRange(U32(v == versions.Length - 1 ? 0u : 16u));
            }
        }

        byte[] sectionNames = Encoding.ASCII.GetBytes("\0.dynstr\0.gnu.version_r\0.shstrtab\0");
        int dynstrOffset = 64;
        int verneedOffset = dynstrOffset + strings.Count;
        int shstrOffset = verneedOffset + verneed.Count;
        int tableOffset = (shstrOffset + sectionNames.Length + 7) & ~7;
        var file = new byte[tableOffset + (4 * 64)];
        "\u007fELF"u8.CopyTo(file);
        file[4] = 2;
        file[5] = 1;
        file[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x10), 3); // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x12), 62); // x86-64
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x28), (ulong)tableOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x34), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3A), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3C), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(0x3E), 3);
        strings.ToArray().CopyTo(file, dynstrOffset);
        verneed.ToArray().CopyTo(file, verneedOffset);
        sectionNames.CopyTo(file, shstrOffset);
        void Section(int index, uint name, uint type, int offset, int size, uint link, uint info)
        {
            Span<byte> h = file.AsSpan(tableOffset + (index * 64), 64);
            BinaryPrimitives.WriteUInt32LittleEndian(h, name);
            BinaryPrimitives.WriteUInt32LittleEndian(h[4..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(h[24..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(h[32..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(h[40..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(h[44..], info);
        }

        Section(1, 1, 3, dynstrOffset, strings.Count, 0, 0); // .dynstr, SHT_STRTAB
        Section(2, 9, 0x6ffffffe, verneedOffset, verneed.Count, 1, (uint)needs.Length); // .gnu.version_r
        Section(3, 24, 3, shstrOffset, sectionNames.Length, 0, 0); // .shstrtab
        return file;
    }

    private static byte[] U16(ushort v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return b;
    }

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }
}
