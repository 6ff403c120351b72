using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Regions;

internal static partial class Resampling
{
    /// <summary>
    /// The column pass: output x of <paramref name="destination"/> (column <paramref name="firstColumn"/> + x) is
    /// <c>((0 + w₀·l₀) + w₁·l₁) + …</c> over its taps in input order, from the row pass's <paramref name="line"/>, which
    /// holds input columns [<paramref name="lo"/>, <paramref name="hi"/>) (the rest of it is overwritten);
    /// <paramref name="blocks"/> is scratch for the whole blocks the outputs lie in (width + 16 elements suffice).
    /// </summary>
    internal static void Columns(Span<float> line, Taps columns, int firstColumn, int lo, int hi, Span<float> blocks, Span<float> destination)
    {
        if (columns.Windows is not null)
        {
            ColumnsWindowed(line, columns, firstColumn, destination);
            return;
        }

        if (!Avx.IsSupported)
        {
            ColumnsExact(line, columns, firstColumn, destination);
            return;
        }

        // The blocks read inputs their outputs do not (with weight 0): zeros there keep every product finite.
        int last = firstColumn + destination.Length - 1;
        line[columns.BlockFirst[firstColumn / Taps.BlockOutputs]..lo].Clear();
        line[hi..(columns.BlockFirst[last / Taps.BlockOutputs] + columns.BlockSpan)].Clear();
        ColumnsDense(line, columns, firstColumn, blocks, destination);
    }

    /// <summary>
    /// The column pass without gathers: each block of eight outputs is a sum over the <see cref="Taps.BlockSpan"/>
    /// inputs from <see cref="Taps.BlockFirst"/> on, each input broadcast and multiplied by the block's dense weights
    /// (0 where the input is not one of the lane's taps), four blocks at a time so that four sums are in flight.
    /// </summary>
    /// <remarks>
    /// Lane by lane this is the definition's sum: before an output's first tap it adds products w·l = ±0 to +0, which
    /// leaves +0; after its last tap it adds ±0 to a sum that is never −0, which changes nothing. A non-finite input
    /// under a zero weight would give 0·∞ = NaN where the definition reads nothing, so any non-finite output sends the
    /// row to <see cref="ColumnsExact"/>, which reads the taps alone. The line must hold finite values or the inputs
    /// of these outputs over every block's span; whole blocks are written to <paramref name="blocks"/> and the
    /// outputs copied from there.
    /// </remarks>
    internal static unsafe void ColumnsDense(ReadOnlySpan<float> line, Taps columns, int firstColumn, Span<float> blocks, Span<float> destination)
    {
        const int Lanes = Taps.BlockOutputs;
        int n = destination.Length, firstBlock = firstColumn / Lanes, lastBlock = (firstColumn + n - 1) / Lanes, span = columns.BlockSpan;
        if (firstColumn < 0 || firstColumn + n > columns.Start.Length || blocks.Length < (lastBlock - firstBlock + 1) * Lanes || line.Length < columns.BlockFirst[lastBlock] + span)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), $"Outputs [{firstColumn}, {firstColumn + n}) of {columns.Start.Length} do not fit a {line.Length}-element line and {blocks.Length} elements of blocks.");
        }

        fixed (float* l = line)
        fixed (float* weights = columns.BlockWeights)
        fixed (int* starts = columns.BlockFirst)
        fixed (float* o = blocks)
        fixed (float* d = destination)
        {
            long stride = (long)span * Lanes;
            for (int b = firstBlock; b <= lastBlock; b += 4)
            {
                // Past the last block, the group repeats it: the same values written twice.
                int b1 = Math.Min(b + 1, lastBlock), b2 = Math.Min(b + 2, lastBlock), b3 = Math.Min(b + 3, lastBlock);
                float* w0 = weights + (b * stride), w1 = weights + (b1 * stride), w2 = weights + (b2 * stride), w3 = weights + (b3 * stride);
                float* l0 = l + starts[b], l1 = l + starts[b1], l2 = l + starts[b2], l3 = l + starts[b3];
                Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int j = 0; j < span; j++)
                {
                    long at = (long)j * Lanes;
                    s0 = Avx.Add(s0, Avx.Multiply(Avx.LoadVector256(w0 + at), Vector256.Create(l0[j])));
                    s1 = Avx.Add(s1, Avx.Multiply(Avx.LoadVector256(w1 + at), Vector256.Create(l1[j])));
                    s2 = Avx.Add(s2, Avx.Multiply(Avx.LoadVector256(w2 + at), Vector256.Create(l2[j])));
                    s3 = Avx.Add(s3, Avx.Multiply(Avx.LoadVector256(w3 + at), Vector256.Create(l3[j])));
                }

                Avx.Store(o + ((b - firstBlock) * Lanes), s0);
                Avx.Store(o + ((b1 - firstBlock) * Lanes), s1);
                Avx.Store(o + ((b2 - firstBlock) * Lanes), s2);
                Avx.Store(o + ((b3 - firstBlock) * Lanes), s3);
            }

            if (!CopyFinite(o + (firstColumn - (firstBlock * Lanes)), d, n))
            {
                ColumnsExact(line, columns, firstColumn, destination);
            }
        }
    }

    /// <summary>
    /// The column pass by permutes (<see cref="Taps.WindowLayout"/>): each block of outputs loads its window of the
    /// line once, then adds, tap by tap, the lanes' weights times the window permuted by the lanes' indices, four blocks
    /// at a time so that four sums are in flight; each sum is stored straight to the outputs its lanes hold (by a masked
    /// store at the run's ends).
    /// </summary>
    /// <remarks>
    /// Lane by lane this is the definition's sum: the lane's taps in input order, then products of weight 0 and one of
    /// its own inputs, which add ±0 to a sum that is never −0 (as <see cref="ColumnsDense"/>'s). A lane reads only its
    /// output's inputs (a lane past the block's outputs its first output's first input), so only an output whose taps
    /// hold a non-finite value can be non-finite; such rows are redone by <see cref="ColumnsExact"/>, which gives the
    /// definition's NaN or infinity. The line must be readable <see cref="Taps.WindowLayout.Window"/> elements past each
    /// block's first input (what lies past the row pass's columns is read into lanes that are not stored). Stores go
    /// straight to <paramref name="destination"/>: the blocks stored to a scratch and copied from there stalled each
    /// copy's loads on the wider stores before them (a quarter of the pass's samples under perf). Each block's taps are
    /// read from one moving address (<see cref="Taps.WindowLayout.Packed"/>): with separate index and weight arrays the
    /// JIT kept the eight offsets on the stack and recomputed addresses at every tap.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see RowsFused
    internal static unsafe void ColumnsWindowed(ReadOnlySpan<float> line, Taps columns, int firstColumn, Span<float> destination)
    {
        const int Lanes = Taps.WindowLayout.Lanes;
        Taps.WindowLayout layout = columns.Windows ?? throw new InvalidOperationException("These taps have no window layout.");
        int size = layout.BlockOutputs, n = destination.Length, firstBlock = firstColumn / size, lastBlock = (firstColumn + n - 1) / size;
        if (firstColumn < 0 || firstColumn + n > columns.Start.Length || line.Length < layout.First[lastBlock] + Taps.WindowLayout.Window)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), $"Outputs [{firstColumn}, {firstColumn + n}) of {columns.Start.Length} do not fit a {line.Length}-element line.");
        }

        Vector512<int> blockLanes = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(size));
        Vector512<float> check = Vector512<float>.Zero;
        fixed (float* l = line)
        fixed (int* packed = layout.Packed)
        fixed (int* starts = layout.First)
        fixed (float* d = destination)
        {
            int stride = layout.TapCount * 2 * Lanes;
            int b = firstBlock;
            for (; b + 3 <= lastBlock; b += 4)
            {
                int b1 = b + 1, b2 = b + 2, b3 = b + 3;
                Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                Vector512<float> a0 = Vector512.Load(l + starts[b]), a1 = Vector512.Load(l + starts[b] + Lanes);
                Vector512<float> c0 = Vector512.Load(l + starts[b1]), c1 = Vector512.Load(l + starts[b1] + Lanes);
                Vector512<float> e0 = Vector512.Load(l + starts[b2]), e1 = Vector512.Load(l + starts[b2] + Lanes);
                Vector512<float> g0 = Vector512.Load(l + starts[b3]), g1 = Vector512.Load(l + starts[b3] + Lanes);
                int* p0 = packed + ((long)b * stride), p1 = packed + ((long)b1 * stride), p2 = packed + ((long)b2 * stride), p3 = packed + ((long)b3 * stride);
                for (int k = 0; k < stride; k += 2 * Lanes)
                {
                    s0 = Avx512F.Add(s0, Avx512F.Multiply(Vector512.Load(p0 + k + Lanes).AsSingle(), Avx512F.PermuteVar16x32x2(a0, Vector512.Load(p0 + k), a1)));
                    s1 = Avx512F.Add(s1, Avx512F.Multiply(Vector512.Load(p1 + k + Lanes).AsSingle(), Avx512F.PermuteVar16x32x2(c0, Vector512.Load(p1 + k), c1)));
                    s2 = Avx512F.Add(s2, Avx512F.Multiply(Vector512.Load(p2 + k + Lanes).AsSingle(), Avx512F.PermuteVar16x32x2(e0, Vector512.Load(p2 + k), e1)));
                    s3 = Avx512F.Add(s3, Avx512F.Multiply(Vector512.Load(p3 + k + Lanes).AsSingle(), Avx512F.PermuteVar16x32x2(g0, Vector512.Load(p3 + k), g1)));
                }

                // In block order, so that each block's unused lanes stored over outputs are stored again by their own block.
                check += StoreOutputs(s0, d, (b * size) - firstColumn, n, blockLanes);
                check += StoreOutputs(s1, d, (b1 * size) - firstColumn, n, blockLanes);
                check += StoreOutputs(s2, d, (b2 * size) - firstColumn, n, blockLanes);
                check += StoreOutputs(s3, d, (b3 * size) - firstColumn, n, blockLanes);
            }

            // The last one to three blocks one at a time: repeating the last block to fill a group of four cost more
            // (Mosaic 23.0 against 22.4 ms CPU per batch, --profile-resample, one thread, quiet).
            for (; b <= lastBlock; b++)
            {
                Vector512<float> s0 = Vector512<float>.Zero;
                Vector512<float> a0 = Vector512.Load(l + starts[b]), a1 = Vector512.Load(l + starts[b] + Lanes);
                int* p0 = packed + ((long)b * stride);
                for (int k = 0; k < stride; k += 2 * Lanes)
                {
                    s0 = Avx512F.Add(s0, Avx512F.Multiply(Vector512.Load(p0 + k + Lanes).AsSingle(), Avx512F.PermuteVar16x32x2(a0, Vector512.Load(p0 + k), a1)));
                }

                check += StoreOutputs(s0, d, (b * size) - firstColumn, n, blockLanes);
            }
        }

        RedoIfNotFinite(check, line, columns, firstColumn, destination);
    }

    /// <summary>The rows <see cref="ColumnsWindowedRows"/> resizes at once.</summary>
    internal const int RowGroup = 4;

    /// <summary>
    /// <see cref="ColumnsWindowed"/> for <see cref="RowGroup"/> rows with the same column taps at once: line r is
    /// <paramref name="lines"/>[r·<paramref name="lineLength"/> …] and its outputs go to <paramref name="destinations"/>[r]
    /// (<paramref name="count"/> elements each). Each block's taps are loaded once for the four rows, whose sums are the
    /// four in flight: the taps' loads, not the permutes, bounded the one-row pass (224→150, alone in L1: 0.282 ns per
    /// output by rows against 0.192 four rows at once, --profile-resample), and each call's set-up is paid once per four
    /// rows. Lane by lane the same sums as <see cref="ColumnsWindowed"/>; a row with a non-finite output is redone by
    /// <see cref="ColumnsExact"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see RowsFused
    internal static unsafe void ColumnsWindowedRows(ReadOnlySpan<float> lines, int lineLength, Taps columns, int firstColumn, int count, ReadOnlySpan<nint> destinations)
    {
        const int Lanes = Taps.WindowLayout.Lanes;
        Taps.WindowLayout layout = columns.Windows ?? throw new InvalidOperationException("These taps have no window layout.");
        int size = layout.BlockOutputs, firstBlock = firstColumn / size, lastBlock = (firstColumn + count - 1) / size;
        if (count < 1 || firstColumn < 0 || firstColumn + count > columns.Start.Length || destinations.Length != RowGroup
            || lineLength < layout.First[lastBlock] + Taps.WindowLayout.Window || lines.Length < RowGroup * lineLength)
        {
            throw new ArgumentOutOfRangeException(nameof(lines), $"Outputs [{firstColumn}, {firstColumn + count}) of {columns.Start.Length} in {destinations.Length} rows do not fit {RowGroup} lines of {lineLength} elements in {lines.Length}.");
        }

        Vector512<int> blockLanes = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(size));
        Vector512<float> check0 = Vector512<float>.Zero, check1 = check0, check2 = check0, check3 = check0;
        float* d0 = (float*)destinations[0], d1 = (float*)destinations[1], d2 = (float*)destinations[2], d3 = (float*)destinations[3];
        fixed (float* l = lines)
        fixed (int* packed = layout.Packed)
        fixed (int* starts = layout.First)
        {
            int stride = layout.TapCount * 2 * Lanes;
            for (int b = firstBlock; b <= lastBlock; b++)
            {
                float* w = l + starts[b];
                Vector512<float> a0 = Vector512.Load(w), a1 = Vector512.Load(w + Lanes);
                Vector512<float> c0 = Vector512.Load(w + lineLength), c1 = Vector512.Load(w + lineLength + Lanes);
                Vector512<float> e0 = Vector512.Load(w + (2 * lineLength)), e1 = Vector512.Load(w + (2 * lineLength) + Lanes);
                Vector512<float> g0 = Vector512.Load(w + (3 * lineLength)), g1 = Vector512.Load(w + (3 * lineLength) + Lanes);
                Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                int* p = packed + ((long)b * stride);
                for (int k = 0; k < stride; k += 2 * Lanes)
                {
                    Vector512<int> index = Vector512.Load(p + k);
                    Vector512<float> weight = Vector512.Load(p + k + Lanes).AsSingle();
                    s0 = Avx512F.Add(s0, Avx512F.Multiply(weight, Avx512F.PermuteVar16x32x2(a0, index, a1)));
                    s1 = Avx512F.Add(s1, Avx512F.Multiply(weight, Avx512F.PermuteVar16x32x2(c0, index, c1)));
                    s2 = Avx512F.Add(s2, Avx512F.Multiply(weight, Avx512F.PermuteVar16x32x2(e0, index, e1)));
                    s3 = Avx512F.Add(s3, Avx512F.Multiply(weight, Avx512F.PermuteVar16x32x2(g0, index, g1)));
                }

                // Blocks in order, so that each block's unused lanes stored over outputs are stored again by their own block.
                int at = (b * size) - firstColumn;
                check0 += StoreOutputs(s0, d0, at, count, blockLanes);
                check1 += StoreOutputs(s1, d1, at, count, blockLanes);
                check2 += StoreOutputs(s2, d2, at, count, blockLanes);
                check3 += StoreOutputs(s3, d3, at, count, blockLanes);
            }
        }

        RedoIfNotFinite(check0, lines[..lineLength], columns, firstColumn, new Span<float>(d0, count));
        RedoIfNotFinite(check1, lines.Slice(lineLength, lineLength), columns, firstColumn, new Span<float>(d1, count));
        RedoIfNotFinite(check2, lines.Slice(2 * lineLength, lineLength), columns, firstColumn, new Span<float>(d2, count));
        RedoIfNotFinite(check3, lines.Slice(3 * lineLength, lineLength), columns, firstColumn, new Span<float>(d3, count));
    }

    /// <summary>Redoes a windowed row by <see cref="ColumnsExact"/> when <paramref name="check"/>, the sum of its stored
    /// sums, is not finite. That sum is finite when every one is (an overflow to infinity, which needs outputs near
    /// float's largest, sends the row to the exact pass for nothing, and it gives the same values).</summary>
    private static void RedoIfNotFinite(Vector512<float> check, ReadOnlySpan<float> line, Taps columns, int firstColumn, Span<float> destination)
    {
        if (!Vector512.EqualsAll(check - check, Vector512<float>.Zero))
        {
            ColumnsExact(line, columns, firstColumn, destination);
        }
    }

    /// <summary>Stores the lanes of a block that are outputs of the run (lanes <paramref name="blockLanes"/> whose
    /// output <paramref name="at"/> + lane lies in [0, <paramref name="count"/>)) and returns the sums the check adds
    /// up: a block inside the run whole (its lanes past its outputs read its first output's first input with weight 0,
    /// so they are finite where its outputs are; they fall on outputs of the blocks after it, stored later), a block at
    /// the run's ends only on the run's outputs (its other lanes may read past the row pass's columns), 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> StoreOutputs(Vector512<float> sums, float* destination, int at, int count, Vector512<int> blockLanes)
    {
        if (at >= 0 && at + Taps.WindowLayout.Lanes <= count)
        {
            Vector512.Store(sums, destination + at);
            return sums;
        }

        Vector512<int> output = Vector512<int>.Indices + Vector512.Create(at);
        Vector512<float> mask = (blockLanes & Vector512.GreaterThanOrEqual(output, Vector512<int>.Zero) & Vector512.LessThan(output, Vector512.Create(count))).AsSingle();
        Avx512F.MaskStore(destination + at, mask, sums);
        return Vector512.ConditionalSelect(mask, sums, Vector512<float>.Zero);
    }

    /// <summary>Copies <paramref name="count"/> outputs from <paramref name="from"/> to <paramref name="to"/>; false when
    /// any of them is not finite (the vector sums must then be redone over the taps alone).</summary>
    private static unsafe bool CopyFinite(float* from, float* to, int count)
    {
        // x − x is +0 for every finite x and NaN otherwise, so the sum of them says whether any output is not finite.
        const int Lanes = 8;
        Vector256<float> check = Vector256<float>.Zero;
        bool finite = true;
        int x = 0;
        for (; x + Lanes <= count; x += Lanes)
        {
            Vector256<float> v = Vector256.Load(from + x);
            v.Store(to + x);
            check = Vector256.Add(check, Vector256.Subtract(v, v));
        }

        for (; x < count; x++)
        {
            to[x] = from[x];
            finite &= float.IsFinite(from[x]);
        }

        return finite && Vector256.EqualsAll(check, Vector256<float>.Zero);
    }

    /// <summary>The column pass as the definition states it, one output at a time over its taps alone: machines
    /// without AVX take it, and rows whose dense sums met a non-finite value.</summary>
    internal static void ColumnsExact(ReadOnlySpan<float> line, Taps columns, int firstColumn, Span<float> destination)
    {
        for (int x = 0; x < destination.Length; x++)
        {
            int o = firstColumn + x;
            ReadOnlySpan<float> weights = columns.WeightsOf(o);
            ReadOnlySpan<float> inputs = line.Slice(columns.Start[o], weights.Length);
            float sum = 0f;
            for (int k = 0; k < weights.Length; k++)
            {
                sum += weights[k] * inputs[k];
            }

            destination[x] = sum;
        }
    }
}
