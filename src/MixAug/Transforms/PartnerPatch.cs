namespace MixAug.Transforms;

/// <summary>
/// Where CutMix cuts the partner's patch that fills the sample's box. The asymmetric patches are SnapMix's (Huang, Wang
/// and Tao, "SnapMix: Semantically Proportional Mixing for Augmenting Fine-grained Data", AAAI 2021): the partner's box,
/// cut at a place of its own, is resized into the sample's (<see cref="Regions.ResizeRegion.WithPartnerBox"/>). The
/// reference code (<c>utils/mixmethod.py</c>) has both asymmetric forms: <c>snapmix</c> draws the second box from a λ of
/// its own, <c>as_cutmix</c> from the same λ.
/// </summary>
public enum PartnerPatch
{
    /// <summary>The same box in both images: CutMix as its paper defines it.</summary>
    SameBox,

    /// <summary>A box of the same drawn size (the same λ, or in min/max mode the same sides) at a place of its own in the
    /// partner, resized into the sample's box: the reference's <c>as_cutmix</c>.</summary>
    SameSize,

    /// <summary>A box of its own size and place in the partner: a second λ ~ Beta(α, α) (in min/max mode two more sides)
    /// drawn after the sample's box, resized into the sample's box. Where either box is empty the group is not mixed, as
    /// the reference pastes only when both areas are positive. SnapMix's boxes (the reference's <c>snapmix</c>).</summary>
    OwnSize,
}
