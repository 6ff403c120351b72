namespace MixAug.ImageSharp.Loading;

/// <summary>A file a sample may take: its order key and its paths.</summary>
/// <param name="Key">The seeded key; the sample takes the files of smallest key.</param>
/// <param name="Path">The full path.</param>
/// <param name="RelativePath">The path under the root, with '/' separators ("cat/001.jpg").</param>
internal readonly record struct SampleCandidate(ulong Key, string Path, string RelativePath);

/// <summary>
/// Chooses which files of an image folder a seeded sample tries, in the order it tries them, from their names alone
/// and in memory that does not grow with the folder: each image file (in the root, or one level down in a class
/// folder, the ImageFolder layout <c>root/&lt;class&gt;/&lt;image&gt;</c>) gets a key hashed from the seed and its
/// relative path, and the <c>window</c> files of smallest key are kept in a bounded heap while the folder is listed.
/// </summary>
/// <remarks>Keys depend on the name only, never on the order the file system lists entries or on the other files, so
/// a sample is the same on every machine, and adding files to a folder changes it only where a new file's key is
/// smaller. No file is opened or even sized here.</remarks>
internal static class FolderSampler
{
    private static readonly EnumerationOptions Listing = new()
    {
        // Unreadable class folders are passed over; hidden files count like any other (as LoadFolder's listing does).
        IgnoreInaccessible = true,
        AttributesToSkip = 0,
        RecurseSubdirectories = false,
    };

    /// <summary>The <paramref name="window"/> image files of smallest key, smallest first, and how many image files there are.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="seed">The sample's seed.</param>
    /// <param name="window">How many candidates to keep at most.</param>
    /// <param name="found">Called with the running count of image files while listing (every 256 files) and at the end.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    public static (List<SampleCandidate> Candidates, int Found) Choose(string root, ulong seed, int window, Action<int>? found, CancellationToken cancellationToken)
    {
        // A max-heap of the window smallest (key, path): the root is the largest kept, replaced when a smaller one comes.
        var heap = new PriorityQueue<SampleCandidate, SampleCandidate>(window + 1, Comparer<SampleCandidate>.Create((a, b) => Compare(b, a)));
        int count = 0;
        foreach ((string path, string relative) in ImageFiles(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = new SampleCandidate(Key(seed, relative), path, relative);
            count++;
            if (heap.Count < window)
            {
                heap.Enqueue(candidate, candidate);
            }
            else if (window > 0 && Compare(candidate, heap.Peek()) < 0)
            {
                heap.DequeueEnqueue(candidate, candidate);
            }

            if (count % 256 == 0)
            {
                found?.Invoke(count);
            }
        }

        found?.Invoke(count);
        var chosen = new List<SampleCandidate>(heap.Count);
        while (heap.Count > 0)
        {
            chosen.Add(heap.Dequeue());
        }

        chosen.Reverse();
        return (chosen, count);
    }

    /// <summary>The key of a file: 64 bits of a hash of the seed and the relative path (FNV-1a, then the SplitMix64 finaliser).</summary>
    public static ulong Key(ulong seed, string relativePath)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in relativePath)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Finalise(hash ^ Finalise(seed));
    }

    /// <summary>Image files of the root and of its immediate subfolders, with their relative paths.</summary>
    private static IEnumerable<(string Path, string Relative)> ImageFiles(string root)
    {
        foreach (string file in Directory.EnumerateFiles(root, "*", Listing).Where(IsImageName))
        {
            yield return (file, Path.GetFileName(file));
        }

        foreach (string folder in Directory.EnumerateDirectories(root, "*", Listing))
        {
            string name = Path.GetFileName(folder);
            foreach (string file in Directory.EnumerateFiles(folder, "*", Listing).Where(IsImageName))
            {
                yield return (file, name + "/" + Path.GetFileName(file));
            }
        }
    }

    private static bool IsImageName(string path) => SafeImageLoader.ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    private static int Compare(SampleCandidate a, SampleCandidate b)
    {
        int byKey = a.Key.CompareTo(b.Key);
        return byKey != 0 ? byKey : string.CompareOrdinal(a.RelativePath, b.RelativePath);
    }

    private static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
