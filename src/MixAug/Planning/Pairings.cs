using MixAug.Randomness;

namespace MixAug.Planning;

/// <summary>Builds the partner permutation of a batch for a <see cref="PairingStrategy"/>.</summary>
public static class Pairings
{
    /// <summary>Returns the partner of every sample.</summary>
    /// <param name="strategy">The strategy; <see cref="PairingStrategy.Custom"/> is not drawn and is rejected.</param>
    /// <param name="batchSize">Number of samples (at least 1).</param>
    /// <param name="random">Generator for <see cref="PairingStrategy.Permutation"/>; the others draw nothing.</param>
    /// <param name="mutual">True to require mutual partners (partner of partner is self), as <see cref="LambdaMode.Pair"/> needs.</param>
    /// <returns>A new array of partner indices forming a permutation.</returns>
    /// <exception cref="ArgumentException"><paramref name="strategy"/> is Custom or undefined, or Roll with <paramref name="mutual"/> and more than 2 samples.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1 or longer than an array can be.</exception>
    public static int[] Create(PairingStrategy strategy, int batchSize, IMixRandom random, bool mutual)
    {
        ArgumentNullException.ThrowIfNull(random);
        Internal.Guard.Positive(batchSize);
        if (strategy is not (PairingStrategy.Flip or PairingStrategy.Roll or PairingStrategy.Permutation))
        {
            throw new ArgumentException($"Pairing strategy {strategy} cannot be drawn; build a MixPlan with explicit partners instead.", nameof(strategy));
        }

        if (batchSize > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be at most {Array.MaxLength} (the longest array); it was {batchSize}.");
        }

        var partners = new int[batchSize];
        switch (strategy)
        {
            case PairingStrategy.Flip:
                for (int i = 0; i < batchSize; i++)
                {
                    partners[i] = batchSize - 1 - i;
                }

                break;
            case PairingStrategy.Roll:
                if (mutual && batchSize > 2)
                {
                    throw new ArgumentException("Roll pairing is not mutual (i takes from i-1, but i-1 takes from i-2), so it cannot be used with LambdaMode.Pair.", nameof(strategy));
                }

                for (int i = 0; i < batchSize; i++)
                {
                    partners[i] = (i + batchSize - 1) % batchSize;
                }

                break;
            case PairingStrategy.Permutation when mutual:
                RandomMatching(partners, random);
                break;
            case PairingStrategy.Permutation:
                RandomDerangement(partners, random);
                break;
            default:
                throw new ArgumentException($"Pairing strategy {strategy} cannot be drawn; build a MixPlan with explicit partners instead.", nameof(strategy));
        }

        return partners;
    }

    /// <summary>Fisher–Yates shuffle of 0..n−1 driven by <paramref name="random"/>.</summary>
    private static void Shuffle(int[] values, IMixRandom random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i;
        }

        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// A uniformly random permutation without fixed points, by rejection: a shuffle is a derangement with
    /// probability about 1/e, so 2.7 shuffles are needed on average, and every draw comes from <paramref name="random"/>.
    /// </summary>
    private static void RandomDerangement(int[] partners, IMixRandom random)
    {
        if (partners.Length == 1)
        {
            partners[0] = 0;
            return;
        }

        while (true)
        {
            Shuffle(partners, random);
            bool hasFixedPoint = false;
            for (int i = 0; i < partners.Length && !hasFixedPoint; i++)
            {
                hasFixedPoint = partners[i] == i;
            }

            if (!hasFixedPoint)
            {
                return;
            }
        }
    }

    /// <summary>A random perfect matching: shuffle, then pair consecutive entries; an odd one out keeps itself.</summary>
    private static void RandomMatching(int[] partners, IMixRandom random)
    {
        var order = new int[partners.Length];
        Shuffle(order, random);
        for (int k = 0; k + 1 < order.Length; k += 2)
        {
            partners[order[k]] = order[k + 1];
            partners[order[k + 1]] = order[k];
        }

        if (order.Length % 2 == 1)
        {
            partners[order[^1]] = order[^1];
        }
    }
}
