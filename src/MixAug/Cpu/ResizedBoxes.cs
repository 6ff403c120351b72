using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// ResizeMix in place without a copy of the batch. A resized partner reads the partner's whole plane, so no sample's
/// box may be written while another sample still reads it; instead every box is first resized into a buffer of
/// boxes (<see cref="Compute"/>, which writes nothing of the batch), then copied into place (<see cref="Place"/>).
/// The batch is read once and only the boxes are written: about 1.3 planes of traffic per plane at ResizeMix's mean box
/// of 16 %, where a snapshot of the batch and a copy of every sample cost three.
/// </summary>
/// <typeparam name="T">float or byte, the element types the CPU mixer takes.</typeparam>
internal sealed unsafe class ResizedBoxes<T>
    where T : unmanaged
{
    private long[] _offsets = [];

    /// <summary>True when every sample of the plan is a resized box or kept, and at least one is a box.</summary>
    public static bool Applies(ReadOnlySpan<SampleOp> ops)
    {
        bool any = false;
        foreach (SampleOp op in ops)
        {
            if (op.Kind is not (OpKind.Resize or OpKind.Keep))
            {
                return false;
            }

            any |= op.Kind == OpKind.Resize;
        }

        return any;
    }

    /// <summary>Lays out the boxes of every sample and channel one after another; returns the elements they take.</summary>
    public long Layout(MixPlan plan, ReadOnlySpan<SampleOp> ops, int channels)
    {
        int b = plan.BatchSize;
        if (_offsets.Length < b)
        {
            _offsets = new long[b];
        }

        long total = 0;
        for (int i = 0; i < b; i++)
        {
            _offsets[i] = total;
            total += ops[i].Kind == OpKind.Resize ? (long)((ResizeRegion)plan.Regions[i]).Area * channels : 0;
        }

        return total;
    }

    /// <summary>Resizes the box of one channel of one sample (unit = sample · channels + channel) into
    /// <paramref name="boxes"/>, from the partner's plane in <paramref name="batch"/>.</summary>
    public void Compute(MixPlan plan, ReadOnlySpan<SampleOp> ops, int unit, T* batch, T* boxes, BatchLayout layout)
    {
        (int sample, int channel) = Math.DivRem(unit, layout.Channels);
        if (ops[sample].Kind != OpKind.Resize)
        {
            return;
        }

        var region = (ResizeRegion)plan.Regions[sample];
        long sampleSize = (long)layout.Channels * layout.Plane;
        T* partnerPlane = batch + (plan.Sources(sample)[1] * sampleSize) + ((long)channel * layout.Plane);
        ResizeRows.WriteBox(region, partnerPlane, boxes + _offsets[sample] + ((long)channel * region.Area), layout.Width, layout.Plane);
    }

    /// <summary>Copies the box <see cref="Compute"/> made for the unit into its rows of <paramref name="batch"/>.</summary>
    public void Place(MixPlan plan, ReadOnlySpan<SampleOp> ops, int unit, T* batch, T* boxes, BatchLayout layout)
    {
        (int sample, int channel) = Math.DivRem(unit, layout.Channels);
        if (ops[sample].Kind != OpKind.Resize)
        {
            return;
        }

        var region = (ResizeRegion)plan.Regions[sample];
        int boxWidth = region.Right - region.Left, width = layout.Width;
        T* from = boxes + _offsets[sample] + ((long)channel * region.Area);
        T* to = batch + (((long)sample * layout.Channels) + channel) * layout.Plane + ((long)region.Top * width) + region.Left;
        for (int r = 0; r < region.Bottom - region.Top; r++)
        {
            new ReadOnlySpan<T>(from + ((long)r * boxWidth), boxWidth).CopyTo(new Span<T>(to + ((long)r * width), boxWidth));
        }
    }
}
