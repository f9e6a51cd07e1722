using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Grammar;

/// <summary>
/// Generates sequence number <c>index</c> of a run from the run's seed alone: valid sessions built from the protocol's
/// grammar (HELLO, then OPEN / NEXT / REQUEST / CANCEL / COMPLETE / PING … per stream, interleaved and batched), the
/// same with one rule broken (each class names the rule), byte-level mutations of valid frames, and every
/// <c>scenarioEvery</c>-th index a hostile scenario (Scenarios/).
/// </summary>
public sealed class SequenceGrammar(FuzzSettings settings, int seed, int scenarioEvery = 250)
{
    private const uint Unbounded = ProtocolConstants.UnboundedCredits;

    private static readonly string[] s_words = ["hi", "hello", "a", "zz9", "tick", "x1", "lobby", "ok", "text"];

    /// <summary>The weighted rules: (class, weight, generator).</summary>
    private readonly (string Class, int Weight, Func<Random, FuzzSequenceBuilder, SequenceMode> Build)[] _rules =
    [
        ("session.mixed", 300, Mixed),
        ("stream.credits", 60, Credits),
        ("stream.late-frames", 30, LateFrames),
        ("stream.id-in-use", 20, IdInUse),
        ("stream.id-in-use-held", 10, IdInUseHeld),
        ("stream.input-after-held-complete", 10, InputAfterHeldComplete),
        ("stream.next-on-held-complete", 10, NextOnHeldComplete),
        ("stream.request-zero-credits", 15, RequestZeroCredits),
        ("stream.slow-consumer", 8, SlowConsumer),
        ("payload.invalid", 40, InvalidPayload),
        ("payload.null", 10, NullPayload),
        ("route.bad", 40, BadRoute),
        ("route.empty", 8, EmptyRoute),
        ("limit.too-many-streams", 12, TooManyStreams),
        ("limit.unread-input", 15, UnreadInput),
        ("frame.mutated", 120, MutatedFrame),
        ("message.text", 10, (r, b) => Broken(r, b, MessageKind.Text)),
        ("message.oversized", 10, Oversized),
        ("message.empty", 8, (r, b) => { b.Valid(r); b.Message(MessageKind.Binary); return SequenceMode.Batched; }),
        ("hello.second", 8, (r, b) => { b.Valid(r); b.Message(Parts.Hello(1, "")); return SequenceMode.Batched; }),
        ("welcome.from-client", 5, (r, b) => { b.Valid(r); b.Message(Parts.Welcome()); return SequenceMode.Batched; }),
        ("id.even-open", 8, (r, b) => { b.Valid(r); b.Message(Parts.Open(b.NextId() + 1, "fuzz/never", 1)); return SequenceMode.Batched; }),
        ("id.reused", 8, Reused),
        ("id.unknown", 10, UnknownId),
        ("id.zero", 8, IdZero),
        ("request.zero", 5, (r, b) => { var id = b.Valid(r); b.Message(Parts.Built("REQUEST n=0", m => new Bytes().Byte(8).Varint(m(id)).Varint(0).AsFrame())); return SequenceMode.Batched; }),
        ("error.bad-code", 5, (r, b) => { b.Valid(r); b.Message(Parts.Built("ERROR 0 \"Bad-Code\"", _ => new Bytes().Byte(6).Varint(0).Byte(0).String("Bad-Code").String("").AsFrame())); return SequenceMode.Batched; }),
        ("role.request-even", 5, (r, b) => { b.Valid(r); b.Message(Parts.Request(b.NextId() + 1, 1)); return SequenceMode.Batched; }),
        ("role.cancel-even", 5, (r, b) => { b.Valid(r); b.Message(Parts.Cancel(b.NextId() + 1)); return SequenceMode.Batched; }),
        ("role.error-odd", 5, (r, b) => { var id = b.Open(Parts.Open(b.NextId(), "fuzz/never", 1)); b.Message(Parts.Error(id, "cancelled", "bye")); return SequenceMode.Batched; }),
        ("role.server-frames-even", 8, ServerFramesEven),
        ("error.zero-from-client", 5, (r, b) => { b.Valid(r); b.Message(Parts.Error(0, "going_away", "bye")); return SequenceMode.Batched; }),
        ("handshake.valid", 40, (r, b) => { b.Message(Parts.Hello(1, r.Next(3) == 0 ? "" : RandomSession(r))); b.Valid(r); return SequenceMode.PreHello; }),
        ("handshake.text", 8, (r, b) => { b.Message(MessageKind.Text, Parts.Hello(1, "")); return SequenceMode.PreHello; }),
        ("handshake.oversized", 8, (r, b) => { b.Message(Parts.Hello(1, new string('s', settings.MaxFrameSize + r.Next(1, 100)))); return SequenceMode.PreHello; }),
        ("handshake.empty", 5, (r, b) => { b.Message(MessageKind.Binary); return SequenceMode.PreHello; }),
        ("handshake.not-hello-first", 15, NotHelloFirst),
        ("handshake.hello-plus-frames", 8, (r, b) => { b.Message(Parts.Hello(1, ""), Parts.Ping()); return SequenceMode.PreHello; }),
        ("handshake.bad-version", 8, (r, b) => { b.Message(Parts.Hello(r.Next(2) == 0 ? 0u : (uint)r.Next(2, int.MaxValue), "")); return SequenceMode.PreHello; }),
        ("handshake.mutated", 30, (r, b) => { b.Message(Mutator.Apply(Parts.Hello(1, r.Next(2) == 0 ? "" : RandomSession(r)), PickMutation(r), r.Next())); return SequenceMode.PreHello; }),
        ("handshake.invalid-utf8-session", 5, (r, b) => { b.Message(Parts.Built("HELLO session=invalid UTF-8", _ => new Bytes().Byte(1).Varint(1).StringBytes([0x61, 0xED, 0xA0, 0x80]).AsFrame())); return SequenceMode.PreHello; }),
    ];

    /// <summary>Sequence <paramref name="index"/> of the run.</summary>
    public FuzzSequence Create(long index)
    {
        var random = new Random(Mix(seed, index));
        if (scenarioEvery > 0 && index % scenarioEvery == scenarioEvery - 1)
        {
            var scenarios = Scenarios.HostileScenario.All;
            var scenario = scenarios[(int)(index / scenarioEvery % scenarios.Count)];
            return new FuzzSequence(index, "scenario." + scenario.Name, SequenceMode.Scenario, []) { Scenario = scenario };
        }
        var total = _rules.Sum(r => r.Weight);
        var pick = random.Next(total);
        foreach (var (name, weight, build) in _rules)
        {
            if ((pick -= weight) < 0)
            {
                var builder = new FuzzSequenceBuilder(settings);
                var mode = build(random, builder);
                return new FuzzSequence(index, name, mode, builder.Build());
            }
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The seed of one sequence: the run's seed and the index mixed (SplitMix64), so neighbours differ.</summary>
    private static int Mix(int seed, long index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static string RandomSession(Random r)
        => r.Next(4) == 0 ? new string('q', r.Next(100, 300)) : "s_" + Convert.ToHexString(BitConverter.GetBytes(r.NextInt64())).ToLowerInvariant();

    private static string Word(Random r) => s_words[r.Next(s_words.Length)] + r.Next(100);

    private static string Say(Random r) => $$"""{"text":"{{Word(r)}}"}""";

    /// <summary>One of the frames a client sends on an open stream: REQUEST(<paramref name="request"/>), CANCEL, COMPLETE or NEXT.</summary>
    private static FuzzPart AnyClientFrame(Random r, uint id, uint request) => r.Next(4) switch
    {
        0 => Parts.Request(id, request),
        1 => Parts.Cancel(id),
        2 => Parts.Complete(id),
        _ => Parts.Next(id, Say(r)),
    };

    private static uint PickCredits(Random r, int n) => r.Next(8) switch
    {
        0 => 0,
        1 => 1,
        2 => (uint)Math.Max(0, n - 1),
        3 => (uint)n,
        4 => (uint)n + 1,
        5 => 1u << 31,
        6 => Unbounded - 1,
        _ => Unbounded,
    };

    private static Mutation PickMutation(Random r) => (Mutation)r.Next(Enum.GetValues<Mutation>().Length);

    // ---- Valid sessions ----

    /// <summary>One to four streams of every interaction model, interleaved, with PINGs, in batched messages.</summary>
    private static SequenceMode Mixed(Random r, FuzzSequenceBuilder b)
    {
        var scripts = new List<List<FuzzPart>>();
        for (var s = r.Next(1, 5); s > 0; s--)
        {
            scripts.Add(Script(r, b));
        }
        if (r.Next(3) == 0)
        {
            scripts.Add([Parts.Ping()]);
        }
        if (r.Next(6) == 0)
        {
            scripts.Add([Parts.Pong()]);
        }
        b.Interleave(r, scripts);
        return SequenceMode.Batched;
    }

    /// <summary>A well-formed stream of a random route and interaction model.</summary>
    private static List<FuzzPart> Script(Random r, FuzzSequenceBuilder b)
    {
        var id = b.NextId();
        var parts = new List<FuzzPart>();
        switch (r.Next(5))
        {
            case 0:
            {
                var n = r.Next(0, 12);
                var credits = PickCredits(r, n);
                parts.Add(Parts.Open(id, $"fuzz/count/{n}", credits));
                if (credits < n && r.Next(2) == 0)
                {
                    parts.Add(Parts.Request(id, (uint)r.Next(1, n + 2)));
                }
                if (r.Next(4) == 0)
                {
                    parts.Add(Parts.Cancel(id));
                }
                break;
            }
            case 1:
            {
                var k = r.Next(0, 1000);
                var items = r.Next(0, 5);
                var credits = PickCredits(r, items + 1);
                parts.Add(Parts.Open(id, $"fuzz/echo/{k}", credits, r.Next(3) == 0 ? Say(r) : null));
                for (var i = 0; i < items; i++)
                {
                    parts.Add(Parts.Next(id, Say(r)));
                    if (r.Next(5) == 0)
                    {
                        parts.Add(Parts.Request(id, (uint)r.Next(1, 4)));
                    }
                }
                switch (r.Next(4))
                {
                    case 0:
                        parts.Add(Parts.Complete(id));
                        break;
                    case 1:
                        parts.Add(Parts.Cancel(id));
                        break;
                }
                break;
            }
            case 2:
                parts.Add(Parts.Open(id, "fuzz/add", (uint)r.Next(1, 3), $$"""{"a":{{r.Next(-1000, 1000)}},"b":{{r.Next(-1000, 1000)}}}"""));
                if (r.Next(2) == 0)
                {
                    parts.Add(Parts.Complete(id)); // as clients do after a request (7.3): ignored
                }
                break;
            case 3:
                parts.Add(Parts.Open(id, "fuzz/fire", (uint)r.Next(0, 3), Say(r)));
                break;
            default:
                parts.Add(Parts.Open(id, "fuzz/never", PickCredits(r, 1)));
                if (r.Next(2) == 0)
                {
                    parts.Add(Parts.Request(id, (uint)r.Next(1, 100)));
                }
                if (r.Next(2) == 0)
                {
                    parts.Add(Parts.Cancel(id));
                }
                break;
        }
        return parts;
    }

    /// <summary>Credits at the edges: 0, 1, huge, saturating REQUEST sums.</summary>
    private static SequenceMode Credits(Random r, FuzzSequenceBuilder b)
    {
        var n = r.Next(1, 15);
        var id = b.Open(Parts.Open(b.NextId(), $"fuzz/count/{n}", PickCredits(r, n)));
        for (var i = r.Next(0, 4); i > 0; i--)
        {
            b.Message(Parts.Request(id, r.Next(4) switch { 0 => 1, 1 => Unbounded, 2 => Unbounded - 1, _ => (uint)r.Next(1, n) }));
        }
        var echo = b.Open(Parts.Open(b.NextId(), "fuzz/echo/1", r.Next(2) == 0 ? 0u : 2u));
        for (var i = r.Next(0, 5); i > 0; i--)
        {
            b.Message(r.Next(3) == 0 ? Parts.Request(echo, (uint)r.Next(1, 3)) : Parts.Next(echo, Say(r)));
        }
        return SequenceMode.Batched;
    }

    /// <summary>Frames for streams that have ended (completed, refused, cancelled): late, ignored (7.6).</summary>
    private static SequenceMode LateFrames(Random r, FuzzSequenceBuilder b)
    {
        var done = b.Open(Parts.Open(b.NextId(), $"fuzz/count/{r.Next(0, 3)}", Unbounded));
        var refused = b.Open(Parts.Open(b.NextId(), "fuzz/nope", 1));
        var cancelled = b.Open(Parts.Open(b.NextId(), "fuzz/never", 1));
        b.Message(Parts.Cancel(cancelled));
        var ids = new[] { done, refused, cancelled };
        for (var i = r.Next(1, 6); i > 0; i--)
        {
            var id = ids[r.Next(ids.Length)];
            b.Message(AnyClientFrame(r, id, request: 5));
        }
        return SequenceMode.Batched;
    }

    private static SequenceMode IdInUse(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), r.Next(2) == 0 ? "fuzz/never" : "fuzz/echo/3", 5));
        b.Message(Parts.Open(id, r.Next(2) == 0 ? "fuzz/never" : "fuzz/count/2", 5));
        return SequenceMode.Batched;
    }

    /// <summary>A second OPEN on a stream whose items (and COMPLETE) wait for credits: it is live (7.6), so stream_id_in_use (7.1).</summary>
    private static SequenceMode IdInUseHeld(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), $"fuzz/count/{r.Next(2, 6)}", 1));
        b.Message(Parts.Open(id, "fuzz/never", 1));
        return SequenceMode.Batched;
    }

    /// <summary>NEXT after the opener's COMPLETE, while the echo's answers (and its COMPLETE) wait for credits: invalid_payload (7.3).</summary>
    private static SequenceMode InputAfterHeldComplete(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), "fuzz/echo/4", 1));
        b.Message(Parts.Next(id, Say(r)), Parts.Next(id, Say(r)), Parts.Complete(id));
        b.Message(Parts.Next(id, Say(r)));
        return SequenceMode.Batched;
    }

    /// <summary>NEXT on a subscription whose items wait for credits: the stream is live and takes no input, invalid_payload (7.3).</summary>
    private static SequenceMode NextOnHeldComplete(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), $"fuzz/count/{r.Next(2, 6)}", 1));
        b.Message(Parts.Next(id, Say(r)));
        return SequenceMode.Batched;
    }

    /// <summary>A request opened with 0 credits: its response waits for a REQUEST (7.3, 7.4).</summary>
    private static SequenceMode RequestZeroCredits(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), "fuzz/add", 0, """{"a":2,"b":3}"""));
        b.Message(Parts.Ping());
        if (r.Next(2) == 0)
        {
            b.Message(Parts.Request(id, 1));
        }
        return SequenceMode.Batched;
    }

    /// <summary>A synchronous producer far beyond its credits: the held items pass the pending limit, slow_consumer (7.4).</summary>
    private static SequenceMode SlowConsumer(Random r, FuzzSequenceBuilder b)
    {
        b.Open(Parts.Open(b.NextId(), "fuzz/count/20000", (uint)r.Next(0, 5)));
        return SequenceMode.Batched;
    }

    private static SequenceMode InvalidPayload(Random r, FuzzSequenceBuilder b)
    {
        string[] bad = ["", "{", """{"text":12}""", """{"text":""", "[1]", "\"text\"", "12", """{"text":"a"}x""", """{"text":null}""", "\u00ff"];
        var payload = bad[r.Next(bad.Length)];
        switch (r.Next(4))
        {
            case 0:
                var echo = b.Open(Parts.Open(b.NextId(), "fuzz/echo/9", Unbounded));
                b.Message(Parts.Next(echo, payload));
                break;
            case 1:
                b.Open(Parts.Open(b.NextId(), "fuzz/echo/9", Unbounded, payload));
                break;
            case 2:
                b.Open(Parts.Open(b.NextId(), "fuzz/add", 1, r.Next(2) == 0 ? payload : null));
                break;
            default:
                b.Open(Parts.Open(b.NextId(), r.Next(2) == 0 ? "fuzz/count/2" : "fuzz/never", 1, Say(r))); // a payload on a subscription
                break;
        }
        return SequenceMode.Batched;
    }

    /// <summary>JSON null where a message object is expected: not valid for the message type, invalid_payload (9).</summary>
    private static SequenceMode NullPayload(Random r, FuzzSequenceBuilder b)
    {
        b.Open(Parts.Open(b.NextId(), r.Next(3) switch { 0 => "fuzz/add", 1 => "fuzz/fire", _ => "fuzz/echo/5" }, Unbounded, "null"));
        return SequenceMode.Batched;
    }

    private static SequenceMode BadRoute(Random r, FuzzSequenceBuilder b)
    {
        string[] routes =
        [
            "fuzz/nope", "fuzz", "fuzz/count", "fuzz/count/5/x", "fuzz/count/abc", "fuzz/count/99999999999", "fuzz/echo/1.5",
            "fuzz//never", "/fuzz/never", "fuzz/never/", "fuzz/\u0001", "fuzz/\u001f/x", "FUZZ/never", "fuzz/cöunt/1", "fuzz/count/\u0663",
            "fuzz/" + new string('n', b.Settings.MaxRouteLength), "fuzz/count/" + new string('1', b.Settings.MaxRouteLength),
            // At the limit: exactly MaxRouteLength characters is a valid route (leading zeros parse), one more is not.
            "fuzz/echo/" + new string('0', b.Settings.MaxRouteLength - 11) + "7", "fuzz/echo/" + new string('0', b.Settings.MaxRouteLength - 10) + "7",
        ];
        b.Open(Parts.Open(b.NextId(), routes[r.Next(routes.Length)], 1, r.Next(4) == 0 ? Say(r) : null));
        return SequenceMode.Batched;
    }

    private static SequenceMode EmptyRoute(Random r, FuzzSequenceBuilder b)
    {
        b.Open(Parts.Open(b.NextId(), "", 1));
        return SequenceMode.Batched;
    }

    /// <summary>MaxStreams live streams, then more OPENs: too_many_streams, each alone (11); after a CANCEL one fits again.</summary>
    private static SequenceMode TooManyStreams(Random r, FuzzSequenceBuilder b)
    {
        var ids = new List<uint>();
        for (var i = 0; i < b.Settings.MaxStreams; i++)
        {
            ids.Add(b.Open(Parts.Open(b.NextId(), "fuzz/never", 1)));
        }
        for (var i = r.Next(1, 4); i > 0; i--)
        {
            b.Open(Parts.Open(b.NextId(), r.Next(2) == 0 ? "fuzz/never" : "fuzz/count/1", 1));
        }
        b.Message(Parts.Cancel(ids[r.Next(ids.Count)]));
        b.Open(Parts.Open(b.NextId(), "fuzz/count/2", Unbounded));
        return SequenceMode.Fresh;
    }

    private static SequenceMode UnreadInput(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), "fuzz/unread", Unbounded, r.Next(2) == 0 ? Say(r) : null));
        var count = b.Settings.MaxUnreadInput + r.Next(-2, 3);
        for (var i = 0; i < count; i++)
        {
            b.Message(Parts.Next(id, Say(r)));
        }
        if (r.Next(3) == 0)
        {
            b.Message(Parts.Complete(id), Parts.Next(id, Say(r)));
        }
        return SequenceMode.Batched;
    }

    // ---- Broken sessions ----

    /// <summary>A valid prefix, then one valid frame of any type mutated at the byte level (section 5).</summary>
    private static SequenceMode MutatedFrame(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Valid(r);
        FuzzPart[] candidates =
        [
            Parts.Open(b.NextId(), "fuzz/echo/2", 8, r.Next(2) == 0 ? Say(r) : null, r.Next(3) == 0 ? new StreamOffset(1_700_000_000_000, 3) : null),
            Parts.Next(id, Say(r)),
            Parts.Request(id, (uint)r.Next(1, 500)),
            Parts.Cancel(id),
            Parts.Complete(id),
            Parts.Ping(),
            Parts.Pong(),
            Parts.Error(0, "going_away", "bye"),
            Parts.Open(b.NextId(), "fuzz/count/3", Unbounded),
        ];
        var victim = Mutator.Apply(candidates[r.Next(candidates.Length)], PickMutation(r), r.Next());
        if (r.Next(3) == 0)
        {
            b.Message(victim, Parts.Ping());
        }
        else
        {
            b.Message(victim);
        }
        return SequenceMode.Batched;
    }

    private static SequenceMode Broken(Random r, FuzzSequenceBuilder b, MessageKind kind)
    {
        var id = b.Valid(r);
        b.Message(kind, Parts.Next(id, Say(r)));
        return SequenceMode.Batched;
    }

    private static SequenceMode Oversized(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), "fuzz/echo/1", Unbounded));
        var text = new string('x', b.Settings.MaxFrameSize + r.Next(-12, 200));
        b.Message(r.Next(2) == 0 ? 3 : 1, Parts.Next(id, $$"""{"text":"{{text}}"}"""));
        return SequenceMode.Batched;
    }

    private static SequenceMode Reused(Random r, FuzzSequenceBuilder b)
    {
        var id = b.Open(Parts.Open(b.NextId(), "fuzz/count/1", Unbounded)); // completes at once
        b.Message(Parts.Open(id, "fuzz/never", 1));
        return SequenceMode.Batched;
    }

    private static SequenceMode UnknownId(Random r, FuzzSequenceBuilder b)
    {
        b.Valid(r);
        var unknown = b.NextId() + (uint)(2 * r.Next(0, 50));
        b.Message(AnyClientFrame(r, unknown, request: 1));
        return SequenceMode.Batched;
    }

    private static SequenceMode IdZero(Random r, FuzzSequenceBuilder b)
    {
        b.Valid(r);
        byte type = r.Next(5) switch { 0 => 3, 1 => 4, 2 => 5, 3 => 7, _ => 8 };
        b.Message(Parts.Built($"type {type} with stream id 0", _ => type switch
        {
            3 => new Bytes().Byte(3).Varint(0).Byte(0).String("fuzz/never").Varint(1).AsFrame(),
            4 => new Bytes().Byte(4).Varint(0).Byte(0).Raw("{}"u8.ToArray()).AsFrame(),
            8 => new Bytes().Byte(8).Varint(0).Varint(1).AsFrame(),
            _ => new Bytes().Byte(type).Varint(0).AsFrame(),
        }));
        return SequenceMode.Batched;
    }

    private static SequenceMode ServerFramesEven(Random r, FuzzSequenceBuilder b)
    {
        b.Valid(r);
        var even = b.NextId() + 1;
        b.Message(r.Next(3) switch
        {
            0 => Parts.Next(even, Say(r)),
            1 => Parts.Complete(even),
            _ => Parts.Error(even, "no_such_server", "nobody"),
        });
        return SequenceMode.Batched;
    }

    private static SequenceMode NotHelloFirst(Random r, FuzzSequenceBuilder b)
    {
        b.Message(r.Next(5) switch
        {
            0 => Parts.Open(1, "fuzz/never", 1),
            1 => Parts.Ping(),
            2 => Parts.Next(1, "{}"),
            3 => Parts.Welcome(),
            _ => Parts.Request(1, 1),
        });
        return SequenceMode.PreHello;
    }

    /// <summary>A minimal helper to build a sequence's messages with fresh relative stream ids.</summary>
    public sealed class FuzzSequenceBuilder(FuzzSettings settings)
    {
        private readonly List<FuzzMessage> _messages = [];
        private uint _nextId = 1;

        public FuzzSettings Settings => settings;

        /// <summary>A fresh odd relative id.</summary>
        public uint NextId()
        {
            var id = _nextId;
            _nextId += 2;
            return id;
        }

        public void Message(params FuzzPart[] parts) => _messages.Add(new FuzzMessage(MessageKind.Binary, parts));

        public void Message(int fragments, params FuzzPart[] parts) => _messages.Add(new FuzzMessage(MessageKind.Binary, parts, fragments));

        public void Message(MessageKind kind, params FuzzPart[] parts) => _messages.Add(new FuzzMessage(kind, parts));

        /// <summary>Sends an OPEN (alone in its message) and returns its relative id.</summary>
        public uint Open(FuzzPart open)
        {
            Message(open);
            return (uint)(_nextId - 2);
        }

        /// <summary>A short valid prefix (an echo stream and one item), returning the echo's id.</summary>
        public uint Valid(Random r)
        {
            var id = NextId();
            Message(Parts.Open(id, "fuzz/echo/7", Unbounded));
            if (r.Next(2) == 0)
            {
                Message(Parts.Next(id, Say(r)));
            }
            return id;
        }

        /// <summary>Merges per-stream scripts in a random order that keeps each script's own order, batching frames into messages.</summary>
        public void Interleave(Random r, List<List<FuzzPart>> scripts)
        {
            var queues = scripts.Select(s => new Queue<FuzzPart>(s)).Where(q => q.Count > 0).ToList();
            var merged = new List<FuzzPart>();
            while (queues.Count > 0)
            {
                var q = queues[r.Next(queues.Count)];
                merged.Add(q.Dequeue());
                if (q.Count == 0)
                {
                    queues.Remove(q);
                }
            }
            var at = 0;
            while (at < merged.Count)
            {
                var take = Math.Min(merged.Count - at, r.Next(1, 5));
                var parts = merged.GetRange(at, take);
                // Only batch what fits in one message: an oversized message is its own rule.
                while (parts.Count > 1 && parts.Sum(p => p.Render(1_000_000).Length) > settings.MaxFrameSize)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                _messages.Add(new FuzzMessage(MessageKind.Binary, parts, r.Next(8) == 0 ? r.Next(2, 4) : 1));
                at += parts.Count;
            }
        }

        public IReadOnlyList<FuzzMessage> Build() => [.. _messages];
    }
}
