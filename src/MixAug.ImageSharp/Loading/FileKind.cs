using System.Runtime.InteropServices;

namespace MixAug.ImageSharp.Loading;

/// <summary>
/// Tells regular files from named pipes, sockets and devices before a file is opened: opening a named pipe for
/// reading blocks until some other process writes to it, so a pipe called <c>x.png</c> would stop a folder load
/// forever, and .NET's <see cref="FileInfo"/> reports such entries as ordinary files.
/// </summary>
/// <remarks>On Linux the type comes from <c>statx</c> (glibc 2.28 or later; following symbolic links, so a link to a
/// regular file is regular). Elsewhere, or when <c>statx</c> is unavailable, the answer is <see cref="Unknown"/> and the
/// loader falls back to not opening files whose reported size is 0, the size every pipe, socket and character device
/// reports.</remarks>
internal enum FileKind
{
    /// <summary>The type could not be determined on this platform.</summary>
    Unknown,

    /// <summary>A regular file (or a symbolic link to one).</summary>
    Regular,

    /// <summary>A named pipe (FIFO).</summary>
    NamedPipe,

    /// <summary>A Unix domain socket.</summary>
    Socket,

    /// <summary>A character device such as <c>/dev/zero</c>.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>The path does not exist (or a link points nowhere).</summary>
    Missing,
}

/// <summary>Finds the <see cref="FileKind"/> of a path.</summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int StatxSize = 256;
    private const int ENOENT = 2;

    private static bool _statxMissing;

    /// <summary>The kind of <paramref name="path"/>, following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _statxMissing))
        {
            return FileKind.Unknown;
        }

        try
        {
            return Statx(path);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // An old C library without statx: remember, and fall back to the size rule.
            Volatile.Write(ref _statxMissing, true);
            return FileKind.Unknown;
        }
    }

    /// <summary>Words for a message: "a named pipe", "a socket".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.NamedPipe => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Directory => "a directory",
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        _ => "of an unknown kind",
    };

    private static unsafe FileKind Statx(string path)
    {
        byte* buffer = stackalloc byte[StatxSize];
        new Span<byte>(buffer, StatxSize).Clear();
        if (NativeStatx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError() == ENOENT ? FileKind.Missing : FileKind.Unknown;
        }

        // struct statx is the same on every Linux architecture: stx_mode is the u16 at offset 28.
        int mode = *(ushort*)(buffer + ModeOffset) & 0xF000;
        return mode switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0x1000 => FileKind.NamedPipe,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Unknown,
        };
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int NativeStatx(int directoryFd, string path, int flags, uint mask, byte* buffer);
}
