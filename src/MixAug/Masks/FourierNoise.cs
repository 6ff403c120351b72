using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// A low-frequency noise image of FMix (Harris et al., "FMix: Enhancing Mixed Sample Data Augmentation",
/// arXiv:2002.12047), described by what generates it: the extent, the decay power, the spectrum and a 64-bit seed.
/// <see cref="Synthesize"/> turns the recipe into the image, the same bits on every machine; a plan stores the recipe,
/// not the pixels.
/// </summary>
/// <remarks>
/// <para>The image is numpy's <c>irfftn</c> of a random half spectrum: over numpy's <c>rfftn</c> grid (<c>fftfreq</c>
/// along every axis but the last, <c>rfftfreq</c> along the last, in cycles per element) each bin gets
/// <c>scale·(a + i·b)</c> with a, b ~ N(0, 1) drawn from <c>new MixRandom(Seed)</c> and
/// <c>scale = 1 / max(|f|, 1/max(extents))^DecayPower</c>, so its expected power spectrum falls as
/// <c>|f|^(−2·DecayPower)</c>. Bins are drawn in row-major order of the half spectrum, one pair of Marsaglia's polar
/// method each. <b>Band limit</b>: the weakest bins, which together carry at most 10⁻⁵ of the image's expected
/// variance, are left at 0 and draw nothing (for decay 3 on 224×224, 318 of 25,312 bins are kept); the kept set
/// depends on the extents and the decay only. The image is synthesised in float32 from the kept bins by a separable
/// sparse inverse DFT, in a fixed order, so it does not depend on the processor or the vector width.</para>
/// <para><see cref="FourierSpectrum.Reference"/> draws the reference implementation's spectrum instead (see there).</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class FourierNoise
{
    /// <summary>Creates the recipe of one noise image.</summary>
    /// <param name="spatial">The extent of the image (1, 2 or 3 dimensions).</param>
    /// <param name="decayPower">Exponent of the spectrum's decay; finite and greater than 0 (the paper uses 3).</param>
    /// <param name="seed">The seed of the normals.</param>
    /// <param name="spectrum">The spectrum to draw from.</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty or has more than <see cref="MaxElements"/> elements, or the reference spectrum is asked for a
    /// volume or an extent of height (or length) 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayPower"/> is not a finite positive number, or
    /// <paramref name="spectrum"/> is undefined.</exception>
    public FourierNoise(SpatialShape spatial, double decayPower, ulong seed, FourierSpectrum spectrum = FourierSpectrum.Paper)
    {
        CheckSpectrum(spatial, decayPower, spectrum);
        Spatial = spatial;
        DecayPower = decayPower;
        Seed = seed;
        Spectrum = spectrum;
    }

    /// <summary>The most elements a noise image may have: 2^27 (a 512³ volume, an 8192 × 16384 image).</summary>
    public const int MaxElements = 1 << 27;

    /// <summary>The extent of the image.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>Exponent of the spectrum's decay.</summary>
    public double DecayPower { get; }

    /// <summary>The seed of the normals.</summary>
    public ulong Seed { get; }

    /// <summary>The spectrum the image is drawn from.</summary>
    public FourierSpectrum Spectrum { get; }

    /// <summary>Writes the image.</summary>
    /// <param name="destination">Receives <see cref="SpatialShape.Size"/> values, row-major.</param>
    /// <param name="configuration">Where the synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public void Synthesize(Span<float> destination, MixConfiguration? configuration = null)
    {
        Guard.Length(destination.Length, Spatial.Size, nameof(destination), $"a {Spatial} image");
        Tables(configuration).Synthesize(new MixRandom(Seed), destination);
    }

    /// <summary>Number of half-spectrum bins that get a random value, for <paramref name="spatial"/> and <paramref name="decayPower"/>.</summary>
    /// <param name="spatial">The extent.</param>
    /// <param name="decayPower">The decay power.</param>
    /// <param name="spectrum">The spectrum.</param>
    /// <returns>The kept bin count.</returns>
    /// <exception cref="ArgumentException">As the constructor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As the constructor.</exception>
    public static int KeptBinCount(SpatialShape spatial, double decayPower, FourierSpectrum spectrum = FourierSpectrum.Paper)
    {
        CheckSpectrum(spatial, decayPower, spectrum);
        return MixConfiguration.Default.Synthesis(spatial, decayPower, spectrum).Bins.Length;
    }

    /// <inheritdoc />
    public override string ToString() => $"noise {Spectrum} decay {DecayPower} seed {Seed}";

    /// <summary>The synthesis tables of this recipe's key.</summary>
    internal FourierSynthesis Tables(MixConfiguration? configuration) =>
        (configuration ?? MixConfiguration.Default).Synthesis(Spatial, DecayPower, Spectrum);

    /// <summary>Checks the arguments shared by FMix and this recipe.</summary>
    internal static void CheckSpectrum(SpatialShape spatial, double decayPower, FourierSpectrum spectrum)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        if (spatial.Size > MaxElements)
        {
            // The paper spectrum's tables hold a few doubles per half-spectrum bin while they are built.
            throw new ArgumentException(
                $"The extent {spatial} has {spatial.Size} elements; FMix noise images are limited to {MaxElements} (512x512x512), since synthesising one needs about {12L * spatial.Size / (1 << 20)} MiB of tables.",
                nameof(spatial));
        }

        Guard.PositiveFinite(decayPower);
        if (!Enum.IsDefined(spectrum))
        {
            throw new ArgumentOutOfRangeException(nameof(spectrum), spectrum, $"Unknown Fourier spectrum {(int)spectrum}.");
        }

        if (spectrum == FourierSpectrum.Reference && (spatial.Rank == 3 || (spatial.Rank == 2 ? spatial.Height : spatial.Width) < 2))
        {
            throw new ArgumentException(
                $"The reference spectrum is defined for sequences of length >= 2 and images of height >= 2 (the reference code indexes frequency rows 0 and 1, and its 3D grid is only consistent for cubes); the extent is {spatial}. Use FourierSpectrum.Paper.",
                nameof(spectrum));
        }
    }
}
