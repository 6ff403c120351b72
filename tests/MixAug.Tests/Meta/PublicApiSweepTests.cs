using MixAug.Planning;
using MixAug.Sweep;
using MixAug.Testing;

namespace MixAug.Tests.Meta;

/// <summary>
/// The property-based sweep of the public API of MixAug and MixAug.Testing (issue 11): every public constructor, static
/// method and instance method, called with seeded random arguments, either returns or throws a documented exception
/// naming one of its parameters, with nothing of the caller's written. See <see cref="ApiSweep"/>.
/// </summary>
public class PublicApiSweepTests
{
    private const int Seed = 20261203;
    private const int CasesPerMember = 40;

    [Test]
    public void EveryPublicMemberRejectsBadArgumentsByNameWithoutTouchingTheCallersBuffers()
    {
        var sweep = new ApiSweep();
        CoreValues.Register(sweep);
        Exclude(sweep);
        var members = sweep.Members(typeof(MixPlan).Assembly, typeof(MixAssert).Assembly);
        SweepResult result = sweep.Run(members, Seed, CasesPerMember);
        TestContext.Out.WriteLine(result.Report());
        Assert.That(result.Cases, Is.GreaterThan(3000), "the sweep must stay a few thousand cases");
        Assert.That(result.Failures, Is.Empty, result.Report());

        // Nothing is left out silently: a new member the sweep cannot call (no value rule for one of its types) fails here.
        Assert.That(result.Excluded.Distinct(), Is.EquivalentTo(new[]
        {
            "RegionDraw.Deconstruct(Double&, MixRegion&): by-reference parameters (a record's Deconstruct); nothing to validate",
            "SaliencyRequirement.Deconstruct(ISaliencySource&, SaliencyDetail&): by-reference parameters (a record's Deconstruct); nothing to validate",
            "Tile.Deconstruct(Int32&, Int32&, Int32&, Int32&, Int32&): by-reference parameters (a record's Deconstruct); nothing to validate",
        }));
        Assert.That(result.Members, Is.GreaterThanOrEqualTo(176));
    }

    /// <summary>Members the sweep does not call, each with the reason.</summary>
    internal static void Exclude(ApiSweep sweep)
    {
        // A valid but huge work size draws up to 2^31 plans (minutes): the sweep tries the edges of the range only.
        sweep.ParameterOverrides["MixStatistics.SampleLambdas/batches"] = c => c.Pick(int.MinValue, -1, 0, 1, 3);
    }
}
