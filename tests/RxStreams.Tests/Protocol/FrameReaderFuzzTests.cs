using System.Buffers;
using RxStreams.Protocol;

namespace RxStreams.Tests.Protocol;

/// <summary>
/// Random and mutated messages, from a fixed seed: the reader only ever throws <see cref="ProtocolException"/>, always
/// advances, and whatever it accepts is canonical (writes back byte for byte).
/// </summary>
public sealed class FrameReaderFuzzTests
{
    private const int Iterations = 100_000;
    private const int Seed = 20_261_122;

    [Fact]
    public void Random_and_mutated_messages_only_ever_throw_ProtocolException()
    {
        var random = new Random(Seed);
        var corpus = ProtocolVectors.Valid.Select(v => v.Bytes)
            .Concat(ProtocolVectors.Invalid.Select(v => v.Bytes))
            .Where(b => b.Length is > 0 and < 4096)
            .ToArray();
        var accepted = 0;
        var refused = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = Mutate(random, corpus);
            var maxFrameSize = random.Next(8) == 0 ? random.Next(1, 64) : ProtocolConstants.DefaultMaxFrameSize;
            var message = random.Next(4) switch
            {
                0 when bytes.Length > 0 => Sequences.Split(bytes, random.Next(bytes.Length + 1)),
                1 when bytes.Length < 64 => Sequences.Bytewise(bytes),
                _ => Sequences.Single(bytes),
            };
            try
            {
                if (Parse(message, maxFrameSize, bytes))
                {
                    accepted++;
                }
            }
            catch (ProtocolException e) when (e.Code is StreamErrorCodes.ProtocolError or StreamErrorCodes.FrameTooLarge)
            {
                refused++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Iteration {i}: {e.GetType().Name} escaped for {Convert.ToHexString(bytes)} (maxFrameSize {maxFrameSize}): {e}");
            }
        }
        // Both outcomes are exercised, so the mutations are neither all harmless nor all fatal.
        Assert.True(accepted > Iterations / 50, $"only {accepted} messages accepted");
        Assert.True(refused > Iterations / 2, $"only {refused} messages refused");
    }

    /// <summary>Reads every frame; when all are accepted, checks they write back to the same bytes.</summary>
    private static bool Parse(ReadOnlySequence<byte> message, int maxFrameSize, byte[] bytes)
    {
        var frames = new List<Frame>();
        var remaining = message.Length;
        while (FrameReader.TryReadFrame(ref message, maxFrameSize, out var frame))
        {
            Assert.True(message.Length < remaining, "TryReadFrame returned true without advancing.");
            remaining = message.Length;
            frames.Add(frame);
        }
        if (frames.Count == 0)
        {
            return false;
        }
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(Frames.Write(frames)));
        return true;
    }

    private static byte[] Mutate(Random random, byte[][] corpus)
    {
        var source = corpus[random.Next(corpus.Length)];
        var bytes = new List<byte>(source);
        switch (random.Next(10))
        {
            case 0: // pure noise
            {
                var noise = new byte[random.Next(0, 48)];
                random.NextBytes(noise);
                return noise;
            }
            case 1: // noise behind a plausible length prefix and type
            {
                var noise = new byte[random.Next(0, 40)];
                random.NextBytes(noise);
                return [(byte)(noise.Length + 1), (byte)random.Next(0, 12), .. noise];
            }
            case 2: // bit flips
                for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
                {
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                }
                break;
            case 3: // truncation
                bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                break;
            case 4: // insertion of random bytes
            {
                var insert = new byte[random.Next(1, 6)];
                random.NextBytes(insert);
                bytes.InsertRange(random.Next(bytes.Count + 1), insert);
                break;
            }
            case 5: // insertion of a run of another vector
            {
                var other = corpus[random.Next(corpus.Length)];
                var start = random.Next(other.Length);
                bytes.InsertRange(random.Next(bytes.Count + 1), other.Skip(start).Take(random.Next(1, 12)));
                break;
            }
            case 6: // deletion of a range
            {
                if (bytes.Count > 0)
                {
                    var start = random.Next(bytes.Count);
                    bytes.RemoveRange(start, Math.Min(bytes.Count - start, random.Next(1, 5)));
                }
                break;
            }
            case 7: // interesting byte values
            {
                byte[] interesting = [0x00, 0x01, 0x02, 0x03, 0x0A, 0x0B, 0x0F, 0x10, 0x7F, 0x80, 0x81, 0xC0, 0xED, 0xF4, 0xFE, 0xFF];
                for (var n = random.Next(1, 3); n > 0 && bytes.Count > 0; n--)
                {
                    bytes[random.Next(bytes.Count)] = interesting[random.Next(interesting.Length)];
                }
                break;
            }
            case 8: // two messages back to back, then a flip
            {
                bytes.AddRange(corpus[random.Next(corpus.Length)]);
                if (random.Next(2) == 0 && bytes.Count > 0)
                {
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                }
                break;
            }
            default: // the length prefix rewritten to a random value
            {
                var length = random.Next(3) switch { 0 => random.Next(0, 300), 1 => random.Next(), _ => bytes.Count - 1 + random.Next(-2, 3) };
                var prefix = new ArrayBufferWriter<byte>();
                var span = prefix.GetSpan(5);
                var count = 0;
                var value = (uint)Math.Max(0, length);
                while (value >= 0x80)
                {
                    span[count++] = (byte)(value | 0x80);
                    value >>= 7;
                }
                span[count++] = (byte)value;
                prefix.Advance(count);
                var skip = bytes.TakeWhile(b => b >= 0x80).Count() + 1;
                return [.. prefix.WrittenSpan, .. bytes.Skip(Math.Min(skip, bytes.Count))];
            }
        }
        return [.. bytes];
    }
}
