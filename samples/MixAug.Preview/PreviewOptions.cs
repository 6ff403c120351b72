using MixAug.Masks;
using MixAug.Planning;

namespace MixAug.Preview;

/// <summary>The parsed command line. Method parameters left null take each method's own default.</summary>
internal sealed class PreviewOptions
{
    /// <summary>Image folder; null means the sample images shipped next to the app.</summary>
    public string? Images { get; set; }

    public string Method { get; set; } = "all";

    public double? Alpha { get; set; }

    public double? Probability { get; set; }

    public double? MinRatio { get; set; }

    public double? MaxRatio { get; set; }

    public double? DecayPower { get; set; }

    public double? MaxSoft { get; set; }

    public FourierSpectrum? Spectrum { get; set; }

    public double? MinScale { get; set; }

    public double? MaxScale { get; set; }

    public int? Partners { get; set; }

    public LambdaMode Mode { get; set; } = LambdaMode.Element;

    public PairingStrategy Pairing { get; set; } = PairingStrategy.Flip;

    public ulong Seed { get; set; } = 42;

    public int Size { get; set; } = 128;

    /// <summary>Number of tiles; null means <see cref="PreviewCommand.DefaultCount"/>, or fewer when the folder has fewer images.</summary>
    public int? Count { get; set; }

    public string Out { get; set; } = "preview.png";

    public string? Html { get; set; }

    /// <summary>Mix synthetic scenes with label maps and boxes, and draw the mixed targets.</summary>
    public bool Dense { get; set; }

    /// <summary>Names of the options given on the command line, to reject method parameters the chosen methods do not take.</summary>
    public HashSet<string> Given { get; } = new(StringComparer.Ordinal);
}
