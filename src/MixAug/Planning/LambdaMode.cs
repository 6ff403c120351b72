namespace MixAug.Planning;

/// <summary>How many independent (lambda, region) draws a batch gets.</summary>
public enum LambdaMode
{
    /// <summary>One draw (and one apply coin) for the whole batch: every mixed sample shares lambda and region (timm <c>batch</c>, torchvision).</summary>
    Batch,

    /// <summary>One draw per pair: a sample and its partner share lambda and region, mixed both ways (timm <c>pair</c>). Needs a pairing in which partners are mutual.</summary>
    Pair,

    /// <summary>One draw per sample: each has its own lambda, region and apply coin (timm <c>elem</c>, Kornia).</summary>
    Element,
}
