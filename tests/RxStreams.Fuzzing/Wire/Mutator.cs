using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Wire;

/// <summary>Applies a <see cref="Mutation"/> to a frame. Deterministic: each mutated part draws from its own seed.</summary>
public static class Mutator
{
    public static FuzzPart Apply(FuzzPart part, Mutation mutation, int seed)
        => new($"{part.Description} ~{mutation}#{seed & 0xFFFF}", b => Mutate(part.Render(b), mutation, new Random(seed)));

    public static byte[] Mutate(byte[] frame, Mutation mutation, Random random)
    {
        if (Bytes.SplitFrame(frame) is not var (_, body))
        {
            return frame;
        }
        switch (mutation)
        {
            case Mutation.Truncate:
                return Bytes.Frame(body[..random.Next(1, Math.Max(2, body.Length))]);
            case Mutation.LengthTooLong:
                return [.. Bytes.VarintOf((ulong)(body.Length + 1 + random.Next(8))), .. body];
            case Mutation.LengthTooShort:
                return body.Length < 2 ? frame : [.. Bytes.VarintOf((ulong)random.Next(1, body.Length)), .. body];
            case Mutation.LengthHuge:
                return [.. Bytes.VarintOf((ulong)random.Next(1 << 20, int.MaxValue)), .. body];
            case Mutation.LengthOverlong:
                return [(byte)(body.Length | 0x80), 0x00, .. body];
            case Mutation.LengthTooManyBytes:
                return [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, .. body];
            case Mutation.LengthOverflow:
                return [0xFF, 0xFF, 0xFF, 0xFF, 0x1F, .. body];
            case Mutation.BadIdVarint:
            {
                if (body.Length < 2 || body[0] is (byte)FrameType.Ping or (byte)FrameType.Pong or (byte)FrameType.Hello or (byte)FrameType.Welcome)
                {
                    return frame;
                }
                var idLength = 1;
                while (idLength < body.Length - 1 && body[idLength] >= 0x80)
                {
                    idLength++;
                }
                byte[] bad = random.Next(3) switch
                {
                    0 => [(byte)(body[1] | 0x80), 0x00], // overlong
                    1 => [0x81, 0x80, 0x80, 0x80, 0x80, 0x01], // six bytes
                    _ => [0xFF, 0xFF, 0xFF, 0xFF, 0x7F], // above u32
                };
                return Bytes.Frame([body[0], .. bad, .. body[(idLength + 1)..]]);
            }
            case Mutation.ZeroLength:
                return [0x00];
            case Mutation.UnknownType:
            {
                var copy = (byte[])body.Clone();
                copy[0] = random.Next(2) == 0 ? (byte)0x00 : (byte)random.Next(0x0B, 0x100);
                return Bytes.Frame(copy);
            }
            case Mutation.UnknownFlag:
            {
                // OPEN, NEXT, ERROR: type, id varint, flags. WELCOME has flags elsewhere; others have none.
                if (body[0] is not ((byte)FrameType.Open or (byte)FrameType.Next or (byte)FrameType.Error))
                {
                    return frame;
                }
                var at = 1;
                while (at < body.Length && body[at] >= 0x80)
                {
                    at++;
                }
                at++;
                if (at >= body.Length)
                {
                    return frame;
                }
                var copy = (byte[])body.Clone();
                copy[at] |= (byte)(1 << random.Next(body[0] == (byte)FrameType.Open ? 2 : 1, 8));
                return Bytes.Frame(copy);
            }
            case Mutation.Trailing:
                return Bytes.Frame([.. body, .. Enumerable.Range(0, 1 + random.Next(4)).Select(_ => (byte)random.Next(256))]);
            case Mutation.BitFlip:
            {
                var copy = (byte[])frame.Clone();
                for (var i = 0; i < 1 + random.Next(3); i++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }
                return copy;
            }
            default:
            {
                var at = random.Next(frame.Length + 1);
                return [.. frame[..at], .. Enumerable.Range(0, 1 + random.Next(6)).Select(_ => (byte)random.Next(256)), .. frame[at..]];
            }
        }
    }
}
