using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Text.Json;
using MathNet.Numerics.IntegralTransforms;
using MixAug.Cpu;
using MixAug.Fourier;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using MixAug.Testing;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.Benchmarks;

/// <summary>
/// Times MixAug's operations against a plain copy of the same batch in one process and prints each operation's
/// median time and median ratio to the copy as soon as it is measured. Ratios, not milliseconds, are what the targets
/// state: the shared machines drift by tens of percent between runs, but both sides of a ratio drift together.
/// </summary>
/// <remarks>
/// Each operation is warmed up for 60 calls and half a second at least (tiered compilation replaces the first code
/// after 30 calls of a method), then measured in
/// rounds; a round times the single-threaded copy, the parallel copy and the operation back to back, and its ratio is
/// the operation over the faster copy. Allocation is the least of three probes of ten calls, all threads counted.
/// </remarks>
internal static class QuickBenchmark
{
    private const int Rounds = 15;

    /// <summary>OpenCV 4.6 StaticSaliencyFineGrained on one 224x224 image, this machine (docs/performance.md, performance anchors).</summary>
    private const double OpenCvFineGrainedMs = 12.8;

    /// <summary>Calls each operation gets before it is measured (with at least half a second): past the 30 calls after
    /// which tiered compilation promotes a method.</summary>
    private const int WarmCalls = 60;

    public static int Run(string[] args)
    {
        string? jsonPath = ValueAfter(args, "--json");
        // Name prefixes, comma-separated: time only those operations (and the copies), in the full run's order.
        string[]? only = ValueAfter(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int batch = int.TryParse(ValueAfter(args, "--batch"), out int b) ? b : 128;
        var shape = new BatchShape(batch, 3, 224, 224);
        var fixture = new BatchFixture(shape);
        var random = new MixRandom(2026);
        float[] src = fixture.Source, dst = fixture.Destination;
        byte[] bytes = fixture.Bytes, byteDst = fixture.ByteDestination;
        int sample = shape.SampleSize;

        MixPlan mixupBatch = new MixUp(alpha: 1.0).CreatePlan(shape, random);
        MixPlan mixupElem = new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
        MixPlan mixupRoll = new MixUp(alpha: 1.0, mode: LambdaMode.Element, pairing: PairingStrategy.Roll).CreatePlan(shape, random);
        MixPlan cutmixHalf = fixture.HalfAreaBoxes(random);
        MixPlan cutmixElem = new CutMix(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
        float lambda = (float)mixupBatch.Lambdas[0];
        var fmixElem = new FMix(alpha: 1.0, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
        var fmixBatch = new FMix(alpha: 1.0, mode: LambdaMode.Element, granularity: MaskGranularity.PerBatch);
        var saliencyElem = new SaliencyMix(beta: 1.0, mode: LambdaMode.Element);
        var saliencySpectralElem = new SaliencyMix(beta: 1.0, mode: LambdaMode.Element, saliency: SpectralResidualSaliency.Default);
        var guidedElem = new GuidedMix(beta: 1.0, mode: LambdaMode.Element);
        var gridElem = new GridMix(alpha: 1.0, mode: LambdaMode.Element);
        var smoothElem = new SmoothMix(alpha: 1.0, mode: LambdaMode.Element);
        MixPlan multiCutmix = new MultiCutMix(partners: 3).CreatePlan(shape, random);
        var mosaic = new Mosaic();
        var resizeElem = new ResizeMix(mode: LambdaMode.Element);
        BatchFeatures peaks = CpuFeatures.Compute(saliencyElem.Requirements, shape, src);
        var oneMap = new float[shape.PlaneSize];
        var oneGrid = new float[64 * 64];
        var re64 = new double[64 * 64];
        var im64 = new double[64 * 64];
        var complex64 = new Complex[64 * 64];
        var row64 = new Complex[64];
        byte[] labelMaps = [.. bytes.AsSpan(0, shape.BatchSize * shape.PlaneSize).ToArray().Select(v => (byte)(v % 21))];
        var labelMapsMixed = new byte[labelMaps.Length];
        int[] classA = new int[labelMaps.Length], classB = new int[labelMaps.Length];
        var weightA = new float[labelMaps.Length];
        var softTargets = new float[labelMaps.Length * 21L]; // [B, 21, H, W]: Pascal VOC's 21 classes, 540 MB of floats
        MixPlan fmixElemPlan = fmixElem.CreatePlan(shape, random);
        byte[] cutmixMaps = new byte[labelMaps.Length], fmixMaps = new byte[labelMaps.Length]; // correct outputs, for the checks
        LabelMapMixer.Mix(cutmixElem, labelMaps, cutmixMaps);
        LabelMapMixer.Mix(fmixElemPlan, labelMaps, fmixMaps);

        // Sequences with valid lengths (issue 12): 128 log-mel spectrograms of 80 bands and up to 1000 frames.
        var sequenceShape = BatchShape.Sequence(batch, 80, 1000);
        var sequenceFixture = new BatchFixture(sequenceShape);
        int[] frames = [.. Enumerable.Range(0, batch).Select(_ => 500 + random.NextInt(501))];
        MixPlan sequenceMixup = new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(new MixRequest(sequenceShape, random, frames));
        MixPlan sequenceCutmix = new CutMix(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(new MixRequest(sequenceShape, random, frames));
        float[] sequenceSrc = sequenceFixture.Source, sequenceDst = sequenceFixture.Destination;
        var sequenceFmix = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup); // its own generator: the other plans stay as they were
        MixPlan sequenceFmixFull = sequenceFmix.CreatePlan(sequenceShape, new MixRandom(12));
        MixPlan sequenceFmixLengths = sequenceFmix.CreatePlan(new MixRequest(sequenceShape, new MixRandom(12), frames));
        var everyLength = new MixConfiguration(cacheCapacity: 1024); // room for the synthesis tables of every common length
        MixPlan sequenceResize = new ResizeMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(sequenceShape, new MixRandom(13), frames));

        // Clips with frame counts: 16 clips of 3 x 16 x 112 x 112 (a common video-classifier input), 8 to 16 valid frames.
        var clipShape = BatchShape.Volume(16, 3, 16, 112, 112);
        var clipFixture = new BatchFixture(clipShape);
        int[] clipFrames = [.. Enumerable.Range(0, clipShape.BatchSize).Select(_ => 8 + random.NextInt(9))];
        MixPlan clipSpatial = new CutMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(clipShape, random, clipFrames));
        MixPlan clipCuboid = new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.SpatioTemporal).CreatePlan(new MixRequest(clipShape, random, clipFrames));
        float[] clipSrc = clipFixture.Source, clipDst = clipFixture.Destination;

        Console.WriteLine($"MixAug quick benchmark: {shape} float32 ({shape.ElementCount * 4L / 1e6:F1} MB), {Environment.ProcessorCount} cores, {Rounds} rounds per operation, medians.");
        Console.WriteLine("ratio = time / min(copy, copy-parallel) measured in the same round; alloc = managed bytes per call, all threads.");
        Console.WriteLine();
        Console.WriteLine($"{"operation",-32} {"ms",9} {"x copy",8} {"alloc B",9}  target");

        var results = new List<OperationResult>();
        void Measure(string name, string what, Action body, double? maxRatio = null, double? maxMs = null, bool busyMayMiss = false, bool mustNotAllocate = false, float[]? copySource = null, float[]? copyDestination = null)
        {
            if (only is not null && !only.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)) && !name.StartsWith("copy", StringComparison.Ordinal))
            {
                return;
            }

            // An operation on another batch (the sequence entries) is timed against a copy of that batch.
            OperationResult r = Time(name, what, body, copySource ?? src, copyDestination ?? dst);
            r = r with { MaxRatio = maxRatio, MaxMs = maxMs, BusyMayMiss = busyMayMiss, MustNotAllocate = mustNotAllocate };
            results.Add(r);
            Console.WriteLine($"{r.Name,-32} {r.Milliseconds,9:F3} {r.RatioToCopy,8:F3} {r.AllocatedBytesPerCall,9}  {r.Verdict}");
        }

        Measure("copy", "baseline: Span<float>.CopyTo of the whole batch, one thread", () => src.AsSpan().CopyTo(dst));
        Measure("copy-parallel", "baseline: the same copy split over all cores", () => ParallelCopy(src, dst));
        Measure("mixup-batch-inplace", "MixUp, one lambda, flip pairing, in place", () => CpuMixer.ApplyInPlace(mixupBatch, dst), maxRatio: 1.25, mustNotAllocate: true);
        Measure("mixup-batch", "MixUp, one lambda, flip pairing, into a destination", () => CpuMixer.Apply(mixupBatch, src, dst), mustNotAllocate: true);
        Measure("mixup-elem-inplace", "MixUp, per-sample lambda, flip pairing, in place", () => CpuMixer.ApplyInPlace(mixupElem, dst), maxRatio: 1.25, mustNotAllocate: true);
        Measure("mixup-elem-roll-inplace", "MixUp, per-sample lambda, roll pairing (one cycle of B), in place", () => CpuMixer.ApplyInPlace(mixupRoll, dst), mustNotAllocate: true);
        Measure("cutmix-half-area-inplace", "CutMix, per-sample box of area exactly 1/2, in place", () => CpuMixer.ApplyInPlace(cutmixHalf, dst), maxRatio: 0.6, busyMayMiss: true, mustNotAllocate: true);
        Measure("cutmix-elem-inplace", "CutMix, per-sample Beta(1,1) box, in place", () => CpuMixer.ApplyInPlace(cutmixElem, dst), mustNotAllocate: true);
        Measure("cutmix-half-area", "CutMix, per-sample box of area 1/2, into a destination", () => CpuMixer.Apply(cutmixHalf, src, dst), mustNotAllocate: true);
        Measure("uint8-mixup-batch-inplace", "MixUp on the uint8 batch, round half to even, in place", () => CpuMixer.ApplyInPlace(mixupBatch, byteDst), maxRatio: 0.4, busyMayMiss: true, mustNotAllocate: true);
        Measure("uint8-mixup-batch", "MixUp on the uint8 batch, into a destination", () => CpuMixer.Apply(mixupBatch, bytes, byteDst), mustNotAllocate: true);
        Measure("labelmap-uint8-cutmix", "LabelMapMixer.Mix: a uint8 label map [B, 224, 224] by the per-sample CutMix plan", () => LabelMapMixer.Mix(cutmixElem, labelMaps, labelMapsMixed), maxRatio: 0.15, busyMayMiss: true);
        Measure("labelmap-uint8-mixup", "LabelMapMixer.Mix: the label map by the per-sample MixUp plan (dominant source)", () => LabelMapMixer.Mix(mixupElem, labelMaps, labelMapsMixed), maxRatio: 0.15, busyMayMiss: true);
        Measure("labelmap-uint8-pairs-cutmix", "LabelMapMixer.ToPairs: (class A, class B, weight of A) per pixel of the uint8 maps by the CutMix plan", () => LabelMapMixer.ToPairs(cutmixElem, labelMaps, classA, classB, weightA));
        Measure("labelmap-uint8-soft-cutmix", "LabelMapMixer.ToSoftTargets: [128, 21, 224, 224] float soft targets of the uint8 maps by the CutMix plan", () => LabelMapMixer.ToSoftTargets(cutmixElem, labelMaps, 21, 255, softTargets));
        Measure("labelmap-uint8-fmix", "LabelMapMixer.Mix: the label map by a drawn per-sample FMix plan (128 masks rasterised)", () => LabelMapMixer.Mix(fmixElemPlan, labelMaps, labelMapsMixed));
        Measure("check-labelmap-cutmix", "MixAssert.LabelMapsFollowPlan: a test's check of the CutMix label map, worked out from the regions (one thread)", () => MixAssert.LabelMapsFollowPlan(cutmixElem, labelMaps, cutmixMaps));
        Measure("check-labelmap-fmix", "MixAssert.LabelMapsFollowPlan: the check of the FMix label map (128 masks rasterised again)", () => MixAssert.LabelMapsFollowPlan(fmixElemPlan, labelMaps, fmixMaps));
        Measure("tensorprimitives-lerp", "reference formulation: TensorPrimitives.Lerp per sample into a destination, one thread", () => LerpPerSample(src, dst, shape, lambda, sample));
        Measure("fmix-elem-inplace", "FMix with a noise image per sample: plan (128 recipes) + apply in place (synthesis, ranking, mix)", () => CpuMixer.ApplyInPlace(fmixElem.CreatePlan(shape, random), dst), maxRatio: 1.5);
        Measure("gridmix-elem-inplace", "GridMix with a grid per sample (OpenMixup's ranges): plan (128 tilings) + apply in place", () => CpuMixer.ApplyInPlace(gridElem.CreatePlan(shape, random), dst), maxRatio: 1.0);
        Measure("seq-mixup-lengths", "[128, 80, 1000] MixUp, per-sample lambda, lengths 500-1000, into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceMixup, sequenceSrc, sequenceDst), mustNotAllocate: true, copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("seq-cutmix-lengths", "[128, 80, 1000] CutMix along time, per-sample segments within both lengths, into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceCutmix, sequenceSrc, sequenceDst), mustNotAllocate: true, copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("seq-fmix", "[128, 80, 1000] FMix, a noise per sample over all 1000 frames, into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceFmixFull, sequenceSrc, sequenceDst), copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("seq-fmix-lengths", "[128, 80, 1000] FMix as above, lengths 500-1000: each mask over the frames both hold, into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceFmixLengths, sequenceSrc, sequenceDst), copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("seq-fmix-lengths-cached", "[128, 80, 1000] FMix with lengths as above, with a synthesis cache that holds every common length's tables (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceFmixLengths, sequenceSrc, sequenceDst, everyLength), copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("seq-resizemix-lengths", "[128, 80, 1000] ResizeMix on sequences, lengths 500-1000: each partner's valid part resized into a segment both hold, into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(sequenceResize, sequenceSrc, sequenceDst), copySource: sequenceSrc, copyDestination: sequenceDst);
        Measure("video-cutmix-spatial", "[16, 3, 16, 112, 112] CutMix on clips, VideoMix's spatial cut per sample within both frame counts (8-16), into a destination (ratio to a copy of this batch)", () => CpuMixer.Apply(clipSpatial, clipSrc, clipDst), mustNotAllocate: true, copySource: clipSrc, copyDestination: clipDst);
        Measure("video-cutmix-cuboid-inplace", "[16, 3, 16, 112, 112] CutMix on clips, VideoMix's spatio-temporal cuboid per sample, in place (ratio to a copy of this batch)", () => CpuMixer.ApplyInPlace(clipCuboid, clipDst), mustNotAllocate: true, copySource: clipSrc, copyDestination: clipDst);
        Measure("smoothmix-elem-inplace", "SmoothMix with a soft box per sample: plan (128 recipes and their exact means) + apply in place (weights made per row, blend)", () => CpuMixer.ApplyInPlace(smoothElem.CreatePlan(shape, random), dst), maxRatio: 1.0);
        Measure("resizemix-elem", "ResizeMix, a box per sample (scale 0.1 to 0.8): plan + apply into a destination (antialiased resize of 128 partners)", () => CpuMixer.Apply(resizeElem.CreatePlan(shape, random), src, dst), maxRatio: 1.5);
        Measure("resizemix-elem-inplace", "ResizeMix as above, in place (boxes resized into a buffer, then copied in)", () => CpuMixer.ApplyInPlace(resizeElem.CreatePlan(shape, random), dst));
        Measure("uint8-resizemix-elem", "ResizeMix as above on the uint8 batch, into a destination (rows widened to float, results rounded half to even)", () => CpuMixer.Apply(resizeElem.CreatePlan(shape, random), bytes, byteDst));
        Measure("mosaic", "Mosaic, four sources per sample resized into the quadrants (output 224x224): plan + apply into a destination", () => CpuMixer.Apply(mosaic.CreatePlan(shape, random), src, dst), maxRatio: 2.0);
        Measure("mosaic-inplace", "Mosaic as above, in place (from a snapshot of the batch)", () => CpuMixer.ApplyInPlace(mosaic.CreatePlan(shape, random), dst));
        Measure("uint8-mosaic", "Mosaic as above on the uint8 batch, into a destination (source rows widened to float, results rounded half to even)", () => CpuMixer.Apply(mosaic.CreatePlan(shape, random), bytes, byteDst));
        Measure("multicutmix-3-inplace", "CutMix with three partners per sample (Kornia's num_mix=3), in place (from a snapshot of the batch)", () => CpuMixer.ApplyInPlace(multiCutmix, dst));
        Measure("fmix-batch-inplace", "FMix with one noise image thresholded per sample: plan + apply in place", () => CpuMixer.ApplyInPlace(fmixBatch.CreatePlan(shape, random), dst));
        Measure("saliencymix-elem-inplace", "SaliencyMix (default: fine-grained saliency) with a map per sample: CPU features (128 maps and peaks) + plan + apply in place", () => CpuMixer.ApplyInPlace(saliencyElem.CreatePlan(shape, src, random), dst), maxRatio: 2.0);
        Measure("saliencymix-spectral-elem-inplace", "SaliencyMix with spectral-residual saliency (the fast option): CPU features (128 grids and peaks) + plan + apply in place", () => CpuMixer.ApplyInPlace(saliencySpectralElem.CreatePlan(shape, src, random), dst), maxRatio: 2.0);
        Measure("guidedmix-elem-inplace", "GuidedMix (spectral-residual maps, greedy saliency pairing, SaliencyMix boxes): features + pairing + plan + apply in place", () => CpuMixer.ApplyInPlace(guidedElem.CreatePlan(shape, src, random), dst), maxRatio: 2.0);
        SaliencyMaps guidedMaps = CpuFeatures.Compute(guidedElem.Requirements, shape, src).Saliency[0];
        Measure("guidedmix-features", "GuidedMix's features alone: CpuFeatures.Compute of the 128 spectral-residual grids kept whole (the pairing reads them), all cores", () => CpuFeatures.Compute(guidedElem.Requirements, shape, src));
        MixPlan guidedPlan = guidedElem.CreatePlan(shape, src, random);
        Measure("guidedmix-apply-inplace", "GuidedMix's apply alone: a drawn plan (one greedy cycle of SaliencyMix boxes) applied in place", () => CpuMixer.ApplyInPlace(guidedPlan, dst));
        Measure("guidedmix-pairing", "GuidedMix's pairing alone: 128 smoothed 64x64 distributions, 8,128 L2 distances, the greedy cycle, one thread", () => SaliencyPairing.Partners(guidedMaps));
        Measure("saliency-features-finegrained", "CpuFeatures.Compute: the 128 fine-grained maps' peaks (what a box plan needs), all cores", () => CpuFeatures.Compute(saliencyElem.Requirements, shape, src));
        Measure("saliency-features-spectral", "CpuFeatures.Compute: the 128 spectral-residual grids' peaks, all cores", () => CpuFeatures.Compute(saliencySpectralElem.Requirements, shape, src));
        var serialMap = new float[shape.PlaneSize];
        Measure("saliency-finegrained-serial", "the 128 images' fine-grained maps one after another, one thread (against the one image above: the cost of fresh images)", () =>
        {
            for (int i = 0; i < shape.BatchSize; i++)
            {
                FineGrainedSaliency.Default.ComputeGrid(shape, src.AsSpan(i * sample, sample), serialMap);
            }
        });
        Measure("saliency-finegrained-224", "fine-grained saliency map of one 3x224x224 image (full resolution), one thread; OpenCV 4.6 takes 12.8 ms", () => FineGrainedSaliency.Default.ComputeGrid(shape, src.AsSpan(0, sample), oneMap), maxMs: OpenCvFineGrainedMs / 4);
        Measure("saliency-map-224", "spectral-residual saliency map of one 3x224x224 image (grid + upsampling), one thread", () => SpectralResidualSaliency.Default.ComputeMap(shape, src.AsSpan(0, sample), oneMap), maxMs: 0.3);
        Measure("saliency-grid-224", "its 64x64 grid only (what a plan needs), one thread", () => SpectralResidualSaliency.Default.ComputeGrid(shape, src.AsSpan(0, sample), oneGrid));
        Measure("fft-64x64-own", "MixAug's FFT: one 64x64 complex 2D transform (the saliency grid's), one thread", () => MultiFft.Complex2D(64, 64, re64, im64, -1));
        Measure("fft-64x64-mathnet", "MathNet.Numerics 5.0: the same transform by rows and columns (its managed provider has no 2D)", () => MathNetFft2D(complex64, row64, 64));

        // Plan drawing in steady state: what a 128-sample plan allocates (the plan itself included).
        Measure("plan-mixup-elem", "drawing a per-sample MixUp plan", () => new MixUp(mode: LambdaMode.Element).CreatePlan(shape, random));
        Measure("plan-cutmix-elem", "drawing a per-sample CutMix plan (boxes)", () => new CutMix(mode: LambdaMode.Element).CreatePlan(shape, random));
        Measure("plan-fmix-elem", "drawing a per-sample FMix plan (128 noise recipes)", () => fmixElem.CreatePlan(shape, random));
        Measure("plan-gridmix-elem", "drawing a per-sample GridMix plan (128 tilings)", () => gridElem.CreatePlan(shape, random));
        Measure("plan-smoothmix-elem", "drawing a per-sample SmoothMix plan (128 soft boxes, each mean summed exactly)", () => smoothElem.CreatePlan(shape, random));
        Measure("plan-mosaic", "drawing a Mosaic plan (128 mosaics of four sources)", () => mosaic.CreatePlan(shape, random));
        Measure("plan-saliencymix-elem", "drawing a per-sample SaliencyMix plan from computed peaks", () => saliencyElem.CreatePlan(new MixRequest(shape, random, peaks)));
        Measure("plan-choice", "drawing a MixUp/CutMix choice plan", () => new MixChoice((new MixUp(0.8, mode: LambdaMode.Element), 1), (new CutMix(1.0, mode: LambdaMode.Element), 1)).CreatePlan(shape, random));

        using torch.Tensor torchImages = torch.tensor(src, [.. shape.ToDimensions().Select(d => (long)d)], torch.ScalarType.Float32);
        using torch.Tensor torchDestination = torch.empty_like(torchImages);
        Measure("torch-copy", "TorchSharp: torchImages.clone(), a fresh tensor (page faults included)", () => torchImages.clone().Dispose());
        Measure("torch-copy-into", "TorchSharp: destination.copy_(images) into a preallocated tensor", () => torchDestination.copy_(torchImages));
        Measure("torch-mixup-batch", "TorchMixer.Apply, MixUp one lambda, fresh output (CpuMixer kernels on the tensor's memory)", () => TorchMixer.Apply(mixupBatch, torchImages).Dispose());
        Measure("torch-mixup-batch-into", "TorchMixer.ApplyInto, MixUp one lambda, preallocated output", () => TorchMixer.ApplyInto(mixupBatch, torchImages, torchDestination), maxRatio: 2.0);
        Measure("torch-mixup-batch-inplace", "TorchMixer.ApplyInPlace, MixUp one lambda, the batch overwritten (CpuMixer's in-place kernels)", () => TorchMixer.ApplyInPlace(mixupBatch, torchDestination));
        Measure("torch-mixup-batch-ops", "TorchMixer libtorch path (the CUDA formulation): x*l + index_select(x)*(1-l)", () => TorchMixer.Apply(mixupBatch, torchImages, allowCpuKernels: false).Dispose());
        Measure("torch-mixup-elem-ops", "TorchMixer libtorch path, per-sample lambda ([B,1,1,1] weights)", () => TorchMixer.Apply(mixupElem, torchImages, allowCpuKernels: false).Dispose());
        Measure("torch-cutmix-elem-ops", "TorchMixer libtorch path, per-sample boxes (masks built on the device)", () => TorchMixer.Apply(cutmixElem, torchImages, allowCpuKernels: false).Dispose());

        // What a TorchSharp pipeline pays for the dense targets and features of a CPU batch, against labelmap-uint8-* and
        // saliency-features-spectral on arrays: the tensors are read and written in place, not copied element by element.
        using torch.Tensor torchMaps = torch.tensor(labelMaps, [batch, shape.Height, shape.Width], torch.ScalarType.Byte);
        using torch.Tensor torchLongMaps = torchMaps.to(torch.ScalarType.Int64);
        Measure("torch-labelmap-uint8-cutmix", "TorchLabelMapMixer.Mix: the uint8 label map tensor by the per-sample CutMix plan, a new tensor", () => TorchLabelMapMixer.Mix(cutmixElem, torchMaps).Dispose());
        Measure("torch-labelmap-int64-cutmix", "TorchLabelMapMixer.Mix: the same maps as int64 (51 MB), a new tensor", () => TorchLabelMapMixer.Mix(cutmixElem, torchLongMaps).Dispose());
        Measure("torch-labelmap-pairs-cutmix", "TorchLabelMapMixer.ToPairs: int64 classes A and B and float32 weights of the uint8 maps", () => TorchLabelMapMixer.ToPairs(cutmixElem, torchMaps).Dispose());
        Measure("torch-saliency-features-spectral", "TorchFeatures.Compute: the spectral-residual peaks of the CPU batch tensor (CpuFeatures on its memory)", () => TorchFeatures.Compute(saliencySpectralElem.Requirements, torchImages));

        Console.WriteLine();
        if (results.FirstOrDefault(r => r.Name == "saliency-finegrained-224") is OperationResult fineGrained)
        {
            Console.WriteLine($"info   fine-grained saliency 224x224: {fineGrained.Milliseconds:F3} ms per map, {OpenCvFineGrainedMs / fineGrained.Milliseconds:F1}x faster than OpenCV 4.6's {OpenCvFineGrainedMs} ms (target >= 4x)");
        }

        if (results.FirstOrDefault(r => r.Name == "fft-64x64-own") is OperationResult own && results.FirstOrDefault(r => r.Name == "fft-64x64-mathnet") is OperationResult mathNet)
        {
            Console.WriteLine($"info   own FFT vs MathNet.Numerics 64x64: {mathNet.Milliseconds / own.Milliseconds:F2}x faster (the own FFT stays only at >= 2x)");
        }
        foreach (OperationResult plan in results.Where(r => r.Name.StartsWith("plan-", StringComparison.Ordinal)))
        {
            bool met = plan.AllocatedBytesPerCall <= 64 * 1024;
            Console.WriteLine($"target {plan.Name,-28} <= 65536 B per {batch}-sample plan: {plan.AllocatedBytesPerCall} B {(met ? "met" : "MISSED")}");
        }

        bool noAllocation = results.Where(r => r.MustNotAllocate).All(r => r.AllocatedBytesPerCall == 0);
        Console.WriteLine($"target zero managed allocation per apply call: {(noAllocation ? "met" : "MISSED")}");
        foreach (OperationResult r in results.Where(r => r.MaxRatio is not null || r.MaxMs is not null))
        {
            Console.WriteLine($"target {r.Name,-28} {r.Verdict}");
        }

        if (jsonPath is not null)
        {
            var report = new
            {
                shape = shape.ToString(),
                elementType = "float32",
                processorCount = Environment.ProcessorCount,
                runtime = Environment.Version.ToString(),
                rounds = Rounds,
                baseline = "min(copy, copy-parallel) in the same round",
                operations = results.Select(r => new { name = r.Name, description = r.What, milliseconds = r.Milliseconds, ratioToCopy = r.RatioToCopy, allocatedBytesPerCall = r.AllocatedBytesPerCall, verdict = r.Verdict }),
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {jsonPath}");
        }

        return 0;
    }

    private static OperationResult Time(string name, string what, Action body, float[] src, float[] dst)
    {
        // Tiered compilation promotes a method after 30 calls (then compiles it in the background): an operation called
        // once per batch, such as a plan's feature pass, needs that many calls, not only half a second, before its
        // steady-state code runs. Slow operations stop after 5 s.
        var warm = Stopwatch.StartNew();
        for (int i = 0; (i < WarmCalls && warm.ElapsedMilliseconds < 5000) || warm.ElapsedMilliseconds < 500; i++)
        {
            body();
        }

        var times = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            double copy = Math.Min(Elapsed(() => src.AsSpan().CopyTo(dst)), Elapsed(() => ParallelCopy(src, dst)));
            double time = Elapsed(body);
            times.Add(time);
            ratios.Add(time / copy);
        }

        return new OperationResult(name, what, Median(times), Median(ratios), AllocatedPerCall(body));
    }

    private static void MathNetFft2D(Complex[] data, Complex[] row, int n)
    {
        for (int r = 0; r < n; r++)
        {
            Array.Copy(data, r * n, row, 0, n);
            MathNet.Numerics.IntegralTransforms.Fourier.Forward(row, FourierOptions.NoScaling);
            Array.Copy(row, 0, data, r * n, n);
        }

        for (int c = 0; c < n; c++)
        {
            for (int r = 0; r < n; r++)
            {
                row[r] = data[(r * n) + c];
            }

            MathNet.Numerics.IntegralTransforms.Fourier.Forward(row, FourierOptions.NoScaling);
            for (int r = 0; r < n; r++)
            {
                data[(r * n) + c] = row[r];
            }
        }
    }

    private static void ParallelCopy(float[] src, float[] dst)
    {
        int parts = Environment.ProcessorCount;
        Parallel.For(0, parts, p =>
        {
            long start = (long)src.Length * p / parts;
            long end = (long)src.Length * (p + 1) / parts;
            src.AsSpan((int)start, (int)(end - start)).CopyTo(dst.AsSpan((int)start));
        });
    }

    private static void LerpPerSample(float[] src, float[] dst, BatchShape shape, float lambda, int sample)
    {
        int b = shape.BatchSize;
        for (int i = 0; i < b; i++)
        {
            // TensorPrimitives.Lerp(x, y, t) = x + (y − x)·t: lerp from the partner towards the sample by λ.
            TensorPrimitives.Lerp(src.AsSpan((b - 1 - i) * sample, sample), src.AsSpan(i * sample, sample), lambda, dst.AsSpan(i * sample, sample));
        }
    }

    private static double Elapsed(Action body)
    {
        long start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>
    /// Managed bytes allocated per call by all threads, the least of three probes of ten calls: a steady-state
    /// allocation shows up in every probe, while the runtime's own occasional work (tiering, thread-pool
    /// bookkeeping left over from the previous operation) does not.
    /// </summary>
    private static long AllocatedPerCall(Action body)
    {
        const int calls = 10;
        long least = long.MaxValue;
        for (int probe = 0; probe < 3; probe++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < calls; i++)
            {
                body();
            }

            least = Math.Min(least, (GC.GetTotalAllocatedBytes(precise: true) - before) / calls);
        }

        return least;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? ValueAfter(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record OperationResult(string Name, string What, double Milliseconds, double RatioToCopy, long AllocatedBytesPerCall)
    {
        public double? MaxRatio { get; init; }

        public double? MaxMs { get; init; }

        public bool BusyMayMiss { get; init; }

        public bool MustNotAllocate { get; init; }

        public string Verdict
        {
            get
            {
                string busy = BusyMayMiss ? " (close to the memory limit: a busy machine can miss it)" : string.Empty;
                if (MaxRatio is double ratio)
                {
                    return $"<= {ratio:F2}x copy: {(RatioToCopy <= ratio ? "met" : "MISSED")}{busy}";
                }

                if (MaxMs is double ms)
                {
                    return $"<= {ms:F2} ms: {(Milliseconds <= ms ? "met" : "MISSED")}{busy}";
                }

                return MustNotAllocate ? (AllocatedBytesPerCall == 0 ? "0 B: met" : "0 B: MISSED") : string.Empty;
            }
        }
    }
}
