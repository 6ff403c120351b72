namespace MixAug.Transforms;

/// <summary>
/// A transform whose plans depend on the pixels of the batch (SaliencyMix reads the partner's saliency), or that may
/// contain one (<see cref="MixChoice"/>). Code that handles any transform—a training loop, a data pipeline—binds it to
/// each batch before drawing the plan: <c>t is IBatchBindable b &amp;&amp; b.NeedsBatch ? b.Bind(pixels) : t</c>.
/// </summary>
public interface IBatchBindable
{
    /// <summary>True when plans cannot be drawn without the batch's pixels.</summary>
    bool NeedsBatch { get; }

    /// <summary>Returns a transform that draws plans for this batch; the batch must stay unchanged until its plan is drawn.</summary>
    /// <param name="batch">The planar float32 batch, <c>[B, C, spatial…]</c>.</param>
    /// <returns>A transform that accepts the batch's shape.</returns>
    Planning.IMixTransform Bind(ReadOnlyMemory<float> batch);
}
