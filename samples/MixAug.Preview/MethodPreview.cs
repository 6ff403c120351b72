using MixAug.ImageSharp.Drawing;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.Preview;

/// <summary>One method's result: its plan, the mixed batch, the drawn sheet and the sheet's layout, and with --dense the
/// mixed targets and their band.</summary>
internal sealed class MethodPreview(PreviewMethod method, string description, MixPlan plan, byte[] mixed, Image<Rgb24> sheet, ContactSheetLayout layout, DenseView? dense)
    : IDisposable
{
    public PreviewMethod Method { get; } = method;

    public string Description { get; } = description;

    public MixPlan Plan { get; } = plan;

    public byte[] Mixed { get; } = mixed;

    public Image<Rgb24> Sheet { get; } = sheet;

    public ContactSheetLayout Layout { get; } = layout;

    public DenseView? Dense { get; } = dense;

    public void Dispose()
    {
        Sheet.Dispose();
        Dense?.Dispose();
    }
}
