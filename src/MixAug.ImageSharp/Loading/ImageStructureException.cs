namespace MixAug.ImageSharp.Loading;

/// <summary>
/// A structural problem found by the loader's own checks before ImageSharp runs (a malformed PNG chunk, image data
/// that ends early); <see cref="SafeImageLoader"/> reports it as <see cref="ImageLoadFailure.InvalidContent"/>.
/// </summary>
/// <param name="detail">What exactly is wrong, with the numbers involved.</param>
internal sealed class ImageStructureException(string detail) : Exception(detail);
