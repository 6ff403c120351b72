using BenchmarkDotNet.Attributes;
using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Benchmarks;

/// <summary>The full BenchmarkDotNet suite (run without --quick): statistics and allocation per operation.</summary>
[MemoryDiagnoser]
public class MixBenchmarks
{
    private BatchFixture _fixture = null!;
    private MixPlan _mixupBatch = null!;
    private MixPlan _mixupElem = null!;
    private MixPlan _cutmixHalf = null!;

    /// <summary>Batch size of the 3x224x224 batch.</summary>
    [Params(128)]
    public int BatchSize { get; set; }

    /// <summary>Allocates the batch and draws the plans.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var shape = new BatchShape(BatchSize, 3, 224, 224);
        _fixture = new BatchFixture(shape);
        var random = new MixRandom(2026);
        _mixupBatch = new MixUp().CreatePlan(shape, random);
        _mixupElem = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, random);
        _cutmixHalf = _fixture.HalfAreaBoxes(random);
    }

    /// <summary>The bandwidth baseline.</summary>
    [Benchmark(Baseline = true)]
    public void Copy() => _fixture.Source.AsSpan().CopyTo(_fixture.Destination);

    /// <summary>MixUp with one lambda, in place.</summary>
    [Benchmark]
    public void MixUpBatchInPlace() => CpuMixer.ApplyInPlace(_mixupBatch, _fixture.Destination);

    /// <summary>MixUp with per-sample lambdas, in place.</summary>
    [Benchmark]
    public void MixUpElementInPlace() => CpuMixer.ApplyInPlace(_mixupElem, _fixture.Destination);

    /// <summary>CutMix with half-area boxes, in place.</summary>
    [Benchmark]
    public void CutMixHalfAreaInPlace() => CpuMixer.ApplyInPlace(_cutmixHalf, _fixture.Destination);

    /// <summary>MixUp on uint8, in place.</summary>
    [Benchmark]
    public void Uint8MixUpInPlace() => CpuMixer.ApplyInPlace(_mixupBatch, _fixture.ByteDestination);
}
