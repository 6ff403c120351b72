namespace MixAug.ImageSharp;

/// <summary>How far a <see cref="SafeImageLoader.SampleFolder"/> call is, reported while it lists the folder and after each file it tries.</summary>
/// <param name="Listing">True while the folder is being listed (no file opened yet).</param>
/// <param name="FilesFound">Image files found so far (all of them once <paramref name="Listing"/> is false).</param>
/// <param name="Loaded">Images loaded.</param>
/// <param name="Failed">Files that failed.</param>
/// <param name="Target">Images asked for.</param>
public readonly record struct FolderSampleProgress(bool Listing, int FilesFound, int Loaded, int Failed, int Target);
