using System.Buffers.Binary;
using System.Text;

namespace MixAug.TorchSharp.Native;

/// <summary>
/// Reads and edits the symbol-version tables of a 64-bit little-endian ELF shared object held in memory: the version
/// needs (<c>.gnu.version_r</c>, what the object requires from its dependencies) and the version definitions
/// (<c>.gnu.version_d</c>, what a library such as libstdc++ provides). Found through the section headers and the
/// string table each section links to, never by searching bytes.
/// </summary>
/// <remarks>Every offset read from the file is checked against the buffer first, so a truncated or corrupt file
/// raises <see cref="InvalidDataException"/> naming what was out of range, never an index exception.</remarks>
internal static class ElfVersionNeeds
{
    /// <summary><c>VER_FLG_WEAK</c>: a weak version need that the dependency lacks is not an error for the loader.</summary>
    internal const ushort WeakFlag = 0x2;

    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;
    private const int VerdefSize = 20;
    private const int VerdauxSize = 8;

    /// <summary>Lists every version need: (dependency file, version name, flags, file offset of the flags field).</summary>
    /// <param name="elf">The whole file.</param>
    /// <returns>The needs in file order; empty when the object has no <c>.gnu.version_r</c> section.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed 64-bit little-endian ELF file.</exception>
    internal static List<VersionNeed> ReadNeeds(ReadOnlySpan<byte> elf)
    {
        var needs = new List<VersionNeed>();
        List<Section> sections = ReadSections(elf);
        foreach (Section section in sections)
        {
            if (section.Type != ShtGnuVerneed)
            {
                continue;
            }

            Section strings = StringTableOf(elf, sections, section);
            long entry = section.Offset;
            for (uint n = 0; n < section.Info; n++)
            {
                Require(elf, entry, VerneedSize, "a Verneed entry");
                ushort count = BinaryPrimitives.ReadUInt16LittleEndian(elf[(int)(entry + 2)..]);
                string file = ReadString(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 4)..]));
                uint auxOffset = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 8)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 12)..]);
                long aux = entry + auxOffset;
                for (int a = 0; a < count; a++)
                {
                    Require(elf, aux, VernauxSize, "a Vernaux entry");
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[(int)(aux + 4)..]);
                    string name = ReadString(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(aux + 8)..]));
                    needs.Add(new VersionNeed(file, name, flags, aux + 4));
                    uint auxNext = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(aux + 12)..]);
                    if (auxNext == 0)
                    {
                        break;
                    }

                    aux += auxNext;
                }

                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return needs;
    }

    /// <summary>Lists the version names an object defines (<c>.gnu.version_d</c>), such as <c>GLIBCXX_3.4.30</c>.</summary>
    /// <param name="elf">The whole file.</param>
    /// <returns>The names, in file order; empty when the object defines no versions.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed 64-bit little-endian ELF file.</exception>
    internal static List<string> ReadDefinitions(ReadOnlySpan<byte> elf)
    {
        var names = new List<string>();
        List<Section> sections = ReadSections(elf);
        foreach (Section section in sections)
        {
            if (section.Type != ShtGnuVerdef)
            {
                continue;
            }

            Section strings = StringTableOf(elf, sections, section);
            long entry = section.Offset;
            for (uint n = 0; n < section.Info; n++)
            {
                Require(elf, entry, VerdefSize, "a Verdef entry");
                ushort count = BinaryPrimitives.ReadUInt16LittleEndian(elf[(int)(entry + 6)..]);
                uint auxOffset = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 12)..]);
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 16)..]);
                if (count > 0)
                {
                    // The first Verdaux names the version itself; the others name its parents.
                    long aux = entry + auxOffset;
                    Require(elf, aux, VerdauxSize, "a Verdaux entry");
                    names.Add(ReadString(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)aux..])));
                }

                if (next == 0)
                {
                    break;
                }

                entry += next;
            }
        }

        return names;
    }

    /// <summary>
    /// Sets <see cref="WeakFlag"/> on every need of <paramref name="versionName"/> from <paramref name="dependency"/>
    /// that does not have it yet.
    /// </summary>
    /// <param name="elf">The whole file, edited in place.</param>
    /// <param name="dependency">The file the need names, such as <c>libstdc++.so.6</c>.</param>
    /// <param name="versionName">The version, such as <c>GLIBCXX_3.4.32</c>.</param>
    /// <returns>The number of entries changed: 0 when there is no such need or it is weak already.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed 64-bit little-endian ELF file.</exception>
    internal static int MarkWeak(Span<byte> elf, string dependency, string versionName)
    {
        int changed = 0;
        foreach (VersionNeed need in ReadNeeds(elf))
        {
            if (need.File == dependency && need.Name == versionName && (need.Flags & WeakFlag) == 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(elf[(int)need.FlagsOffset..], (ushort)(need.Flags | WeakFlag));
                changed++;
            }
        }

        return changed;
    }

    private static List<Section> ReadSections(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < HeaderSize || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException($"Not an ELF file: {elf.Length} bytes without the 0x7F 'ELF' header of {HeaderSize} bytes.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"Only 64-bit little-endian ELF files are supported; this one has class {elf[4]} and data encoding {elf[5]}.");
        }

        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]);
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        if (count > 0 && entrySize < SectionHeaderSize)
        {
            throw new InvalidDataException($"The ELF section header size is {entrySize} bytes; at least {SectionHeaderSize} were expected.");
        }

        if (tableOffset > (ulong)elf.Length || (ulong)count * entrySize > (ulong)elf.Length - tableOffset)
        {
            throw new InvalidDataException(
                $"The ELF section header table ({count} entries of {entrySize} bytes at offset {tableOffset}) runs past the end of the {elf.Length}-byte file; the file is truncated or corrupt.");
        }

        var sections = new List<Section>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = elf.Slice((int)tableOffset + (i * entrySize), SectionHeaderSize);
            var section = new Section(
                Type: BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                Offset: (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(header[40..]),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(header[44..]),
                Index: i);
            sections.Add(section);
        }

        return sections;
    }

    private static Section StringTableOf(ReadOnlySpan<byte> elf, List<Section> sections, Section section)
    {
        if (section.Link >= (uint)sections.Count)
        {
            throw new InvalidDataException($"ELF section {section.Index} links to string table {section.Link}, but the file has {sections.Count} sections.");
        }

        Section strings = sections[(int)section.Link];
        Require(elf, strings.Offset, strings.Size, $"string table (section {strings.Index})");
        Require(elf, section.Offset, section.Size, $"version section {section.Index}");
        return strings;
    }

    private static string ReadString(ReadOnlySpan<byte> elf, Section strings, uint offset)
    {
        if (offset >= strings.Size)
        {
            throw new InvalidDataException($"A version name at offset {offset} lies outside its string table of {strings.Size} bytes.");
        }

        ReadOnlySpan<byte> rest = elf.Slice((int)(strings.Offset + offset), (int)(strings.Size - offset));
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new InvalidDataException($"The version name at offset {offset} of the string table is not terminated.");
        }

        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static void Require(ReadOnlySpan<byte> elf, long offset, long size, string what)
    {
        if (offset < 0 || size < 0 || offset > elf.Length || size > elf.Length - offset)
        {
            throw new InvalidDataException(
                $"The ELF file's {what} ({size} bytes at offset {offset}) runs past the end of the {elf.Length}-byte file; the file is truncated or corrupt.");
        }
    }

    /// <summary>One section header, as far as the version tables need it.</summary>
    private readonly record struct Section(uint Type, long Offset, long Size, uint Link, uint Info, int Index);
}

/// <summary>One <c>Vernaux</c> entry: a version that an object needs from one of its dependencies.</summary>
/// <param name="File">The dependency, such as <c>libstdc++.so.6</c>.</param>
/// <param name="Name">The version, such as <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Flags">The entry's <c>vna_flags</c>.</param>
/// <param name="FlagsOffset">File offset of <c>vna_flags</c> (two bytes, little-endian).</param>
internal readonly record struct VersionNeed(string File, string Name, ushort Flags, long FlagsOffset);
