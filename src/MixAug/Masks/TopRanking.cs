namespace MixAug.Masks;

/// <summary>
/// Ranks the elements of a plane by value, largest first, ties broken by the smaller index, and writes masks
/// from the ranking. Values are packed with their index into one 64-bit key (the value as a float32, in an order
/// where a smaller key means a larger value, then the index), so a selection on keys is a total order and the
/// result does not depend on the selection algorithm.
/// </summary>
internal static class TopRanking
{
    /// <summary>Builds the keys of <paramref name="values"/> (NaN is not allowed).</summary>
    public static void BuildKeys(ReadOnlySpan<double> values, Span<ulong> keys)
    {
        for (int i = 0; i < values.Length; i++)
        {
            keys[i] = Key((float)values[i], i);
        }
    }

    /// <summary>Builds the keys of <paramref name="values"/> (NaN is not allowed).</summary>
    public static void BuildKeys(ReadOnlySpan<float> values, Span<ulong> keys)
    {
        for (int i = 0; i < values.Length; i++)
        {
            keys[i] = Key(values[i], i);
        }
    }

    /// <summary>The plane index a key came from.</summary>
    public static int IndexOf(ulong key) => (int)(uint)key;

    /// <summary>Rearranges <paramref name="keys"/> so that its first <paramref name="count"/> entries are the smallest keys (in any order).</summary>
    public static void SelectSmallest(Span<ulong> keys, int count)
    {
        if (count <= 0 || count >= keys.Length)
        {
            return;
        }

        // Quickselect with a median-of-three pivot; after too many rounds (adversarial data) the rest is sorted.
        int lo = 0, hi = keys.Length - 1, budget = 2 * (BitOperations.Log2((uint)keys.Length) + 4);
        int target = count - 1; // the element of rank count-1 must end in place, smaller ones before it
        while (hi > lo)
        {
            if (--budget < 0)
            {
                keys.Slice(lo, hi - lo + 1).Sort();
                return;
            }

            int mid = lo + ((hi - lo) / 2);
            if (keys[mid] < keys[lo])
            {
                (keys[mid], keys[lo]) = (keys[lo], keys[mid]);
            }

            if (keys[hi] < keys[lo])
            {
                (keys[hi], keys[lo]) = (keys[lo], keys[hi]);
            }

            if (keys[hi] < keys[mid])
            {
                (keys[hi], keys[mid]) = (keys[mid], keys[hi]);
            }

            ulong pivot = keys[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (keys[i] < pivot)
                {
                    i++;
                }

                while (keys[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                    i++;
                    j--;
                }
            }

            // Now [lo, j] <= pivot <= [i, hi] and everything strictly between j and i equals the pivot.
            if (target <= j)
            {
                hi = j;
            }
            else if (target >= i)
            {
                lo = i;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>
    /// Writes the weights of the elements whose ranks a threshold left open: the <paramref name="ones"/> smallest of
    /// <paramref name="keys"/> get 1, the next <paramref name="rampLength"/> (in key order) the soft-edge ramp values
    /// from ramp position <paramref name="rampOffset"/> of <paramref name="rampTotal"/>; the rest keep what the mask holds (0).
    /// </summary>
    public static void ResolveBoundary(Span<ulong> keys, int ones, int rampLength, int rampOffset, int rampTotal, Span<float> mask)
    {
        SelectSmallest(keys, ones);
        for (int j = 0; j < ones; j++)
        {
            mask[IndexOf(keys[j])] = 1f;
        }

        if (rampLength > 0)
        {
            Span<ulong> rest = keys.Slice(ones);
            SelectSmallest(rest, rampLength);
            Span<ulong> ramp = rest.Slice(0, rampLength);
            ramp.Sort();
            for (int j = 0; j < rampLength; j++)
            {
                mask[IndexOf(ramp[j])] = (float)MaskThreshold.Ramp(rampOffset + j, rampTotal);
            }
        }
    }

    /// <summary>The key of a value and its index: smaller keys rank first (larger value, then smaller index).</summary>
    public static ulong Key(float value, int index)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint ascending = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u; // larger value → larger
        return ((ulong)~ascending << 32) | (uint)index; // larger value → smaller key
    }
}
