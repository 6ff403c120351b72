using System.Runtime.Intrinsics.X86;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Tests.Support;

namespace MixAug.Tests.Regions;

/// <summary>
/// The vector kernels of <see cref="Resampling"/> against a slow scalar sum written here from the definition: taps and
/// float weights from the documented formula (<see cref="ResampleReference"/>), each output row
/// <c>(w₀·r₀ + w₁·r₁) + …</c> over whole input rows, then each output <c>((0 + w₀·l₀) + w₁·l₁) + …</c> over its taps,
/// compared bit for bit over many sizes: odd widths, every remainder of 8, shrinking and enlarging, one output, the
/// same size.
/// </summary>
public class ResamplingTests
{
    private static readonly (int Inputs, int Outputs)[] Axes =
    [
        (1, 1), (2, 1), (3, 2), (5, 4), (7, 9), (8, 8), (9, 8), (15, 1), (16, 7), (17, 23), (23, 17), (31, 31), (33, 16),
        (40, 3), (64, 37), (100, 75), (224, 112), (224, 150), (224, 224), (224, 22), (224, 161), (5, 13), (3, 17),
    ];

    [Test]
    public void TapsHoldTheDefinitionsWeightsRoundedToFloat()
    {
        foreach ((int inputs, int outputs) in Axes)
        {
            Resampling.Taps taps = Resampling.Taps.For(inputs, outputs);
            (int[] start, float[][] weights) = ReferenceTaps(inputs, outputs);
            for (int i = 0; i < outputs; i++)
            {
                Assert.That(taps.Start[i], Is.EqualTo(start[i]), $"{inputs} -> {outputs}, output {i}");
                Assert.That(taps.WeightsOf(i).ToArray(), Is.EqualTo(weights[i]), $"{inputs} -> {outputs}, output {i}");
            }
        }
    }

    [Test]
    public void EveryRunOfOutputsOfEveryRowGivesTheScalarSumsBits()
    {
        // Runs [first, first + count) start at every remainder of 16 and end at every remainder of 16, as the Mosaic
        // quadrants' runs (the right ones from column 0, the left ones up to the tile's last column) do.
        var random = new MixRandom(11);
        for (int a = 0; a < Axes.Length; a++)
        {
            (int width, int outputs) = Axes[a];
            (int height, int rowOutputs) = Axes[(a * 7) % Axes.Length];
            float[] plane = WideValues(height * width, random);
            Resampling.Taps rows = Resampling.Taps.For(height, rowOutputs), columns = Resampling.Taps.For(width, outputs);
            var scratch = new float[Resampling.ScratchLength(Math.Max(width, outputs))]; // enlarging past the plane needs more
            for (int row = 0; row < rowOutputs; row += Math.Max(1, rowOutputs / 5))
            {
                float[] expected = ReferenceRow(plane, height, width, rowOutputs, outputs, row, fused: false);
                for (int first = 0; first < Math.Min(outputs, 18); first++)
                {
                    foreach (int count in Enumerable.Range(1, Math.Min(33, outputs - first)).Append(outputs - first).Distinct())
                    {
                        foreach (bool planeInCache in new[] { false, true })
                        {
                            var actual = new float[count];
                            Resampling.ResizeRow(plane, width, rows, row, columns, first, scratch, actual, planeInCache);
                            AssertBits(actual, expected.AsSpan(first, count), $"{height}x{width} -> {rowOutputs}x{outputs}, row {row}, outputs [{first}, {first + count}), plane in cache {planeInCache}");
                        }
                    }
                }
            }
        }
    }

    [Test]
    public void FourRowsAtOnceGiveEachRowTheScalarSumsBits()
    {
        // The runs of EveryRunOfOutputsOfEveryRowGivesTheScalarSumsBits, four consecutive rows at a time, as Mosaic's
        // quadrants take them where the column taps have windows.
        const int Group = Resampling.RowGroup;
        var random = new MixRandom(18);
        int grouped = 0;
        for (int a = 0; a < Axes.Length; a++)
        {
            (int width, int outputs) = Axes[a];
            (int height, int rowOutputs) = Axes[(a * 5) % Axes.Length];
            Resampling.Taps rows = Resampling.Taps.For(height, rowOutputs), columns = Resampling.Taps.For(width, outputs);
            if (rowOutputs < Group || outputs > width || !Resampling.ResizesRowGroups(columns))
            {
                continue;
            }

            grouped++;
            float[] plane = WideValues(height * width, random);
            var lines = new float[Group * Resampling.LineLength(width)];
            for (int row = 0; row + Group <= rowOutputs; row += Math.Max(1, rowOutputs / 3))
            {
                float[][] expected = [.. Enumerable.Range(row, Group).Select(r => ReferenceRow(plane, height, width, rowOutputs, outputs, r, fused: false))];
                for (int first = 0; first < Math.Min(outputs, 18); first++)
                {
                    foreach (int count in Enumerable.Range(1, Math.Min(33, outputs - first)).Append(outputs - first).Distinct())
                    {
                        float[][] actual = ResizeFourRows(plane, width, rows, row, columns, first, count, lines);
                        for (int r = 0; r < Group; r++)
                        {
                            AssertBits(actual[r], expected[r].AsSpan(first, count), $"{height}x{width} -> {rowOutputs}x{outputs}, row {row + r} of four, outputs [{first}, {first + count})");
                        }
                    }
                }
            }
        }

        Assert.That(grouped, Is.GreaterThan(Avx512F.IsSupported ? 5 : -1), "axes whose columns take four rows at once");
    }

    [Test]
    public void FourRowsAtOnceRedoOnlyTheRowsThatMeetNonFiniteInputs()
    {
        // Rows of a plane resized to its own height are its rows: an infinity in the second and a NaN in the third reach
        // those rows' outputs that read them, and the first and fourth keep the vector sums, bit for bit.
        if (!Avx512F.IsSupported)
        {
            Assert.That(Resampling.ResizesRowGroups(Resampling.Taps.For(224, 150)), Is.False, "four rows at once need the windows of AVX-512");
            return;
        }

        var random = new MixRandom(19);
        foreach ((int inputs, int outputs) in new[] { (224, 112), (224, 150), (224, 161), (64, 37) })
        {
            float[] plane = WideValues(4 * inputs, random);
            plane[inputs + (inputs / 3)] = float.PositiveInfinity;
            plane[(2 * inputs) + (inputs / 2)] = float.NaN;
            Resampling.Taps rows = Resampling.Taps.For(4, 4), columns = Resampling.Taps.For(inputs, outputs);
            float[][] actual = ResizeFourRows(plane, inputs, rows, 0, columns, 0, outputs, new float[Resampling.RowGroup * Resampling.LineLength(inputs)]);
            for (int r = 0; r < Resampling.RowGroup; r++)
            {
                AssertBits(actual[r], ReferenceRow(plane, 4, inputs, 4, outputs, r, fused: false), $"{inputs} -> {outputs}, row {r}");
            }

            Assert.That(actual[1].Count(float.IsPositiveInfinity), Is.InRange(1, 4), $"{inputs} -> {outputs}: the infinity, not NaN from weights of 0");
            Assert.That(actual[2].Count(float.IsNaN), Is.InRange(1, 4), $"{inputs} -> {outputs}: the NaN");
            Assert.That(actual[0].Concat(actual[3]).All(float.IsFinite), Is.True, $"{inputs} -> {outputs}: the other rows");

            // An infinity at every input of the second row: lanes that repeat their last input with weight 0 give
            // 0·∞ = NaN, which only the exact pass turns back into the definition's ∞ (AnInfinityAnywhereGivesTheDefinitionsInfinityNotNaN for one row).
            for (int at = 0; at < inputs; at++)
            {
                float[] single = WideValues(4 * inputs, random);
                single[inputs + at] = float.PositiveInfinity;
                float[][] rowsOut = ResizeFourRows(single, inputs, rows, 0, columns, 0, outputs, new float[Resampling.RowGroup * Resampling.LineLength(inputs)]);
                AssertBits(rowsOut[1], ReferenceRow(single, 4, inputs, 4, outputs, 1, fused: false), $"{inputs} -> {outputs}, infinity at {at}");
                Assert.That(rowsOut.SelectMany(r => r).Any(float.IsNaN), Is.False, $"{inputs} -> {outputs}, infinity at {at}: no NaN");
            }
        }
    }

    [Test]
    public unsafe void OneDestinationIsTheOneRowPass()
    {
        // Callers walk a box's rows in fours and the rest one at a time through ResizeRows; with one destination it
        // must write the one-row pass's bits, on every axis (with windows or not) and every run of outputs.
        var random = new MixRandom(20);
        for (int a = 0; a < Axes.Length; a++)
        {
            (int width, int outputs) = Axes[a];
            (int height, int rowOutputs) = Axes[(a * 3) % Axes.Length];
            Resampling.Taps rows = Resampling.Taps.For(height, rowOutputs), columns = Resampling.Taps.For(width, outputs);
            float[] plane = WideValues(height * width, random);
            var lines = new float[Resampling.RowGroupScratchLength(width)];
            int row = rowOutputs / 2;
            float[] expected = ReferenceRow(plane, height, width, rowOutputs, outputs, row, fused: false);
            foreach (int first in new[] { 0, outputs / 3 })
            {
                int count = outputs - first;
                var actual = new float[count];
                fixed (float* destination = actual)
                {
                    Resampling.ResizeRows(plane, width, rows, row, columns, first, count, lines, [(nint)destination], planeInCache: a % 2 == 0);
                }

                AssertBits(actual, expected.AsSpan(first, count), $"{height}x{width} -> {rowOutputs}x{outputs}, row {row}, outputs [{first}, {outputs})");
            }
        }
    }

    /// <summary><see cref="Resampling.ResizeRows"/> into four fresh arrays.</summary>
    private static unsafe float[][] ResizeFourRows(float[] plane, int width, Resampling.Taps rows, int row, Resampling.Taps columns, int first, int count, float[] lines)
    {
        float[][] actual = [.. Enumerable.Range(0, Resampling.RowGroup).Select(_ => new float[count])];
        fixed (float* d0 = actual[0], d1 = actual[1], d2 = actual[2], d3 = actual[3])
        {
            Resampling.ResizeRows(plane, width, rows, row, columns, first, count, lines, [(nint)d0, (nint)d1, (nint)d2, (nint)d3], planeInCache: true);
        }

        return actual;
    }

    [Test]
    public void TheColumnPassWithoutVectorsGivesTheBitsOfTheVectorPass()
    {
        // ColumnsExact is what machines without AVX run; ColumnsDense the vector pass where AVX is; ColumnsWindowed
        // where AVX-512 is and a block's taps fit a window.
        var random = new MixRandom(12);
        foreach ((int inputs, int outputs) in Axes)
        {
            Resampling.Taps columns = Resampling.Taps.For(inputs, outputs);
            float[] line = [.. WideValues(inputs, random), .. Enumerable.Repeat(float.NaN, Resampling.Taps.WindowLayout.Window)];
            float[] expected = ReferenceColumns(line, inputs, outputs, fused: false);
            var exact = new float[outputs];
            Resampling.ColumnsExact(line, columns, 0, exact);
            AssertBits(exact, expected, $"{inputs} -> {outputs}, exact");
            if (Avx.IsSupported)
            {
                var dense = new float[outputs];
                Resampling.ColumnsDense(line, columns, 0, new float[outputs + 16], dense);
                AssertBits(dense, expected, $"{inputs} -> {outputs}, dense");
            }

            if (columns.Windows is not null)
            {
                // NaN past the line: read only into lanes that are discarded.
                var windowed = new float[outputs];
                Resampling.ColumnsWindowed(line, columns, 0, windowed);
                AssertBits(windowed, expected, $"{inputs} -> {outputs}, windowed");
            }
        }
    }

    [Test]
    public void EveryShrinkUpToSixHasAWindowLayoutWhereAvx512Is()
    {
        // Mosaic shrinks by 1.33 to 2 and ResizeMix's boxes by 1.25 to 10: the larger boxes must take the permutes,
        // with blocks as large as a 32-input window allows.
        foreach (int outputs in new[] { 224, 223, 168, 150, 112, 100, 65, 45, 40 })
        {
            Resampling.Taps taps = Resampling.Taps.For(224, outputs);
            if (!Avx512F.IsSupported)
            {
                Assert.That(taps.Windows, Is.Null, $"224 -> {outputs}: no permutes without AVX-512");
                continue;
            }

            // The largest block whose every run of outputs reads at most 32 inputs, from the definition's taps.
            (int[] start, float[][] weights) = ReferenceTaps(224, outputs);
            int expected = Enumerable.Range(1, 16).Last(size => Enumerable.Range(0, (outputs + size - 1) / size)
                .All(b => Enumerable.Range(b * size, Math.Min(size, outputs - (b * size))).Max(i => start[i] + weights[i].Length) - start[b * size] <= 32));
            Assert.That(expected, Is.GreaterThanOrEqualTo(4), $"224 -> {outputs}");
            Assert.That(taps.Windows, Is.Not.Null, $"224 -> {outputs}");
            Assert.That(taps.Windows!.BlockOutputs, Is.EqualTo(expected), $"224 -> {outputs}");
        }

        Assert.That(Resampling.Taps.For(224, 22).Windows, Is.Null, "a tenfold shrink spreads a block over 160 inputs");
    }

    [Test]
    public void NonFiniteInputsReachOnlyTheOutputsWhoseTapsReadThem()
    {
        // An infinity under a zero weight of the dense blocks would give 0·∞ = NaN to a neighbour that never reads it.
        var random = new MixRandom(13);
        foreach ((int inputs, int outputs) in new[] { (224, 112), (224, 150), (40, 13), (17, 23), (224, 22) })
        {
            float[] plane = WideValues(3 * inputs, random);
            plane[inputs + (inputs / 3)] = float.PositiveInfinity;
            plane[inputs + (inputs / 2)] = float.NaN;
            plane[(2 * inputs) - 1] = float.NegativeInfinity;
            Resampling.Taps rows = Resampling.Taps.For(3, 3), columns = Resampling.Taps.For(inputs, outputs);
            float[] expected = ReferenceRow(plane, 3, inputs, 3, outputs, 1, fused: false);
            foreach (bool planeInCache in new[] { false, true })
            {
                var actual = new float[outputs];
                Resampling.ResizeRow(plane, inputs, rows, 1, columns, 0, new float[Resampling.ScratchLength(inputs)], actual, planeInCache);
                AssertBits(actual, expected, $"{inputs} -> {outputs}, plane in cache {planeInCache}");
                Assert.That(actual.Count(float.IsFinite), Is.InRange(1, outputs - 1), $"{inputs} -> {outputs}: some outputs read the specials, some do not");
            }
        }
    }

    [Test]
    public void AnInfinityAnywhereGivesTheDefinitionsInfinityNotNaN()
    {
        // Lanes with fewer taps than their block repeat their last input with weight 0, and 0·∞ is NaN: the vector
        // passes must notice and give the definition's ∞ (the taps alone) wherever the infinity lies.
        var random = new MixRandom(17);
        foreach ((int inputs, int outputs) in new[] { (224, 112), (224, 150), (224, 161), (64, 37), (40, 13) })
        {
            Resampling.Taps rows = Resampling.Taps.For(3, 3), columns = Resampling.Taps.For(inputs, outputs);
            for (int at = 0; at < inputs; at++)
            {
                float[] plane = WideValues(3 * inputs, random);
                plane[inputs + at] = float.PositiveInfinity;
                float[] expected = ReferenceRow(plane, 3, inputs, 3, outputs, 1, fused: false);
                foreach (bool planeInCache in new[] { false, true })
                {
                    var actual = new float[outputs];
                    Resampling.ResizeRow(plane, inputs, rows, 1, columns, 0, new float[Resampling.ScratchLength(inputs)], actual, planeInCache);
                    AssertBits(actual, expected, $"{inputs} -> {outputs}, infinity at {at}, plane in cache {planeInCache}");
                    Assert.That(actual.Any(float.IsNaN), Is.False, $"{inputs} -> {outputs}, infinity at {at}: no NaN");
                }
            }
        }
    }

    [Test]
    public void OutputsNearFloatsLargestGiveTheScalarSumsBits()
    {
        // Finite outputs whose sum overflows: the windowed pass's finiteness check then sends the row to the exact
        // pass, which must give the same bits.
        var random = new MixRandom(16);
        foreach ((int inputs, int outputs) in new[] { (224, 112), (224, 150), (224, 161) })
        {
            float[] plane = [.. Enumerable.Range(0, 3 * inputs).Select(_ => (float)(3.0e38 * (0.5 + (0.5 * random.NextDouble()))))];
            Resampling.Taps rows = Resampling.Taps.For(3, 3), columns = Resampling.Taps.For(inputs, outputs);
            float[] expected = ReferenceRow(plane, 3, inputs, 3, outputs, 1, fused: false);
            var actual = new float[outputs];
            Resampling.ResizeRow(plane, inputs, rows, 1, columns, 0, new float[Resampling.ScratchLength(inputs)], actual, planeInCache: true);
            AssertBits(actual, expected, $"{inputs} -> {outputs}");
            Assert.That(actual.All(float.IsFinite), Is.True, $"{inputs} -> {outputs}: every output is finite");
        }
    }

    [Test]
    public void APlaneResizedToItsOwnSizeIsCopiedBitForBit()
    {
        var random = new MixRandom(14);
        foreach (int n in new[] { 1, 2, 7, 8, 9, 16, 23, 224 })
        {
            float[] plane = WideValues(n * n, random);
            Resampling.Taps taps = Resampling.Taps.For(n, n);
            var scratch = new float[Resampling.ScratchLength(n)];
            for (int row = 0; row < n; row++)
            {
                foreach (bool planeInCache in new[] { false, true })
                {
                    var actual = new float[n];
                    Resampling.ResizeRow(plane, n, taps, row, taps, 0, scratch, actual, planeInCache);
                    AssertBits(actual, plane.AsSpan(row * n, n), $"{n}x{n}, row {row}, plane in cache {planeInCache}");
                }
            }
        }
    }

    [Test]
    public void TheBitComparisonCatchesAFusedMultiplyAddOrAnotherOrder()
    {
        // Planted defects: the reference with fused products, and with each output's taps summed last to first. Both
        // move bits of these wide-ranging values, so the comparisons above can fail.
        var random = new MixRandom(15);
        float[] plane = WideValues(224 * 224, random);
        Resampling.Taps taps = Resampling.Taps.For(224, 150);
        var actual = new float[150];
        Resampling.ResizeRow(plane, 224, taps, 75, taps, 0, new float[Resampling.ScratchLength(224)], actual, planeInCache: true);
        float[] fused = ReferenceRow(plane, 224, 224, 150, 150, 75, fused: true);
        Assert.That(Enumerable.Range(0, 150).Count(i => actual[i] != fused[i]), Is.GreaterThan(0), "fused multiply-add");
        float[] line = ReferenceLine(plane, 224, 224, 150, 75, fused: false);
        (int[] start, float[][] weights) = ReferenceTaps(224, 150);
        int reordered = 0;
        for (int o = 0; o < 150; o++)
        {
            float sum = 0f;
            for (int k = weights[o].Length - 1; k >= 0; k--)
            {
                sum += weights[o][k] * line[start[o] + k];
            }

            reordered += sum != actual[o] ? 1 : 0;
        }

        Assert.That(reordered, Is.GreaterThan(0), "taps summed last to first");
    }

    /// <summary>The taps of the documented formula: inputs [⌊c − r + ½⌋, ⌊c + r + ½⌋) ∩ [0, n), trailing zero weights
    /// dropped, weights normalised in double and rounded to float.</summary>
    private static (int[] Start, float[][] Weights) ReferenceTaps(int inputs, int outputs)
    {
        double[][] all = ResampleReference.Weights(inputs, outputs);
        double scale = (double)inputs / outputs, support = Math.Max(1, scale);
        var start = new int[outputs];
        var weights = new float[outputs][];
        for (int i = 0; i < outputs; i++)
        {
            double centre = scale * (i + 0.5);
            int lo = Math.Max(0, (int)(centre - support + 0.5)), hi = Math.Min(inputs, (int)(centre + support + 0.5));
            while (hi - lo > 1 && all[i][hi - 1] == 0)
            {
                hi--;
            }

            start[i] = lo;
            weights[i] = [.. all[i][lo..hi].Select(w => (float)w)];
        }

        return (start, weights);
    }

    /// <summary>Output row <paramref name="row"/>'s line over every input column: (w₀·r₀ + w₁·r₁) + … in input order.</summary>
    private static float[] ReferenceLine(float[] plane, int height, int width, int rowOutputs, int row, bool fused)
    {
        (int[] start, float[][] weights) = ReferenceTaps(height, rowOutputs);
        var line = new float[width];
        for (int x = 0; x < width; x++)
        {
            float sum = weights[row][0] * plane[(start[row] * width) + x];
            for (int k = 1; k < weights[row].Length; k++)
            {
                float value = plane[((start[row] + k) * width) + x];
                sum = fused ? MathF.FusedMultiplyAdd(weights[row][k], value, sum) : sum + (weights[row][k] * value);
            }

            line[x] = sum;
        }

        return line;
    }

    /// <summary>Each output ((0 + w₀·l₀) + w₁·l₁) + … over its taps in input order.</summary>
    private static float[] ReferenceColumns(float[] line, int inputs, int outputs, bool fused)
    {
        (int[] start, float[][] weights) = ReferenceTaps(inputs, outputs);
        var result = new float[outputs];
        for (int o = 0; o < outputs; o++)
        {
            float sum = 0f;
            for (int k = 0; k < weights[o].Length; k++)
            {
                sum = fused ? MathF.FusedMultiplyAdd(weights[o][k], line[start[o] + k], sum) : sum + (weights[o][k] * line[start[o] + k]);
            }

            result[o] = sum;
        }

        return result;
    }

    private static float[] ReferenceRow(float[] plane, int height, int width, int rowOutputs, int outputs, int row, bool fused) =>
        ReferenceColumns(ReferenceLine(plane, height, width, rowOutputs, row, fused), width, outputs, fused);

    /// <summary>Values of both signs over 2⁻¹² to 2¹², so that any other order of products and sums moves bits.</summary>
    private static float[] WideValues(int count, MixRandom random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(((2 * random.NextDouble()) - 1) * Math.Pow(2, random.NextInt(25) - 12));
        }

        return values;
    }

    private static void AssertBits(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), what);
        for (int i = 0; i < actual.Length; i++)
        {
            bool same = BitConverter.SingleToInt32Bits(actual[i]) == BitConverter.SingleToInt32Bits(expected[i]) || (float.IsNaN(actual[i]) && float.IsNaN(expected[i]));
            Assert.That(same, Is.True, $"{what}: output {i} is {actual[i]:R}, the scalar sum {expected[i]:R}");
        }
    }
}
