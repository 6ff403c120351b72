using MixAug.Cpu;

namespace MixAug.Tests.Cpu;

public class RoundedBytesTests
{
    [Test]
    public unsafe void RoundsHalfToEvenAndClampsAtEveryOffset()
    {
        // Every quarter from −3 to 259 (the halves are ties), plus values just off the ties and past the ends, at each
        // start offset so that every element goes through both the 32-wide path and the one-by-one tail.
        var values = new List<float>();
        for (int quarter = -12; quarter <= 1036; quarter++)
        {
            values.Add(quarter / 4f);
        }

        values.AddRange([127.49999f, 127.50001f, 254.5f, 255.49998f, 255.5f, 300f, -0.5f, -0.49999f, float.PositiveInfinity, float.NegativeInfinity, float.NaN]);
        float[] all = [.. values];
        for (int offset = 0; offset < 33; offset++)
        {
            float[] slice = all[offset..];
            var actual = new byte[slice.Length];
            fixed (byte* to = actual)
            {
                RoundedBytes.Write(slice, to);
            }

            for (int i = 0; i < slice.Length; i++)
            {
                byte expected = float.IsNaN(slice[i]) ? (byte)0 : (byte)Math.Clamp(Math.Round((double)slice[i], MidpointRounding.ToEven), 0, 255);
                Assert.That(actual[i], Is.EqualTo(expected), $"offset {offset}: {slice[i]:R}");
            }
        }

        Assert.That(Math.Round(2.5, MidpointRounding.AwayFromZero), Is.Not.EqualTo(Math.Round(2.5, MidpointRounding.ToEven)), "the ties tell the two roundings apart");
    }
}
