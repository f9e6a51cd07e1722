using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RxStreams.Fuzzing.Client;
using RxStreams.Fuzzing.Oracle;
using RxStreams.Fuzzing.Wire;
using RxStreams.Protocol;

namespace RxStreams.Fuzzing.Run;

/// <summary>Sends a sequence on a connection, collects the answer and compares it with <see cref="ProtocolModel"/>'s.</summary>
public sealed class SequenceRunner(FuzzSettings settings)
{
    /// <summary>How long an answer may take on a loaded machine before it counts as missing.</summary>
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);

    public async Task<SequenceOutcome> RunAsync(FuzzSequence sequence, FuzzConnection connection)
    {
        var idBase = connection.IdBase;
        var rendered = sequence.Messages.Select(m => m.Render(idBase)).ToList();
        var expect = ProtocolModel.Evaluate(settings, idBase, connection.HandshakeDone, rendered);
        var socket = connection.Socket;
        var problems = new List<string>();
        foreach (var message in rendered)
        {
            try
            {
                await socket.SendAsync(message).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                break; // the server closed; what it said is read below
            }
        }
        var fence = !expect.Fatal;
        if (fence)
        {
            try
            {
                await socket.SendAsync(new RenderedMessage(MessageKind.Binary, [1, (byte)FrameType.Ping])).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }

        // Collect.
        var observed = new Dictionary<uint, List<StreamEvent>>();
        var log = new StringBuilder();
        int pongs = 0, welcomes = 0;
        Incoming? welcome = null;
        (string Code, string Message)? connectionError = null;
        WebSocketCloseStatus? closeStatus = null;
        string? closeDescription = null;
        var aborted = false;
        var deadline = DateTime.UtcNow + AnswerTimeout;
        var timedOut = false;
        while (true)
        {
            if (fence && pongs >= expect.Pongs + 1 && Satisfied(expect, observed, asynchronousOnly: true))
            {
                break;
            }
            var left = deadline - DateTime.UtcNow;
            var incoming = left > TimeSpan.Zero ? await socket.ReceiveAsync(left).ConfigureAwait(false) : null;
            if (incoming is null)
            {
                timedOut = !socket.IsClosed || fence;
                break;
            }
            log.Append(incoming).Append("; ");
            switch (incoming.Kind)
            {
                case IncomingKind.Closed:
                    closeStatus = incoming.CloseStatus;
                    closeDescription = incoming.CloseDescription;
                    break;
                case IncomingKind.Aborted:
                    aborted = true;
                    break;
                case IncomingKind.Violation:
                    problems.Add("the server broke the protocol: " + incoming.Violation);
                    continue;
            }
            if (incoming.Kind is IncomingKind.Closed or IncomingKind.Aborted)
            {
                break;
            }
            switch (incoming.Type)
            {
                case FrameType.Ping:
                    break; // keepalive
                case FrameType.Pong:
                    pongs++;
                    break;
                case FrameType.Welcome:
                    welcomes++;
                    welcome = incoming;
                    break;
                case FrameType.Error when incoming.StreamId == 0:
                    connectionError ??= (incoming.Code ?? "", incoming.Message ?? "");
                    break;
                case FrameType.Next or FrameType.Complete or FrameType.Error:
                {
                    var id = incoming.StreamId;
                    var ev = incoming.Type switch
                    {
                        FrameType.Next => StreamEvent.Next(incoming.Payload),
                        FrameType.Complete => StreamEvent.Complete,
                        _ => StreamEvent.Error(incoming.Code ?? ""),
                    };
                    if (id > idBase)
                    {
                        var relative = id - idBase;
                        if (!observed.TryGetValue(relative, out var events))
                        {
                            observed[relative] = events = [];
                        }
                        events.Add(ev);
                    }
                    else if (connection.Earlier.TryGetValue(id, out var earlier))
                    {
                        if (!earlier.Cancelled)
                        {
                            connection.LateProblems.Add((earlier.Sequence, earlier.Class, $"{incoming} arrived after stream {id} had ended"));
                        }
                    }
                    else
                    {
                        problems.Add($"{incoming}: for stream {id}, which this connection never opened");
                    }
                    break;
                }
                default:
                    problems.Add($"the server sent {incoming}, which it never sends to a client that hosts nothing");
                    break;
            }
        }

        // Compare.
        var ended = closeStatus is not null || aborted || socket.IsClosed;
        if (expect.Welcome)
        {
            if (welcomes != 1 || welcome is null)
            {
                problems.Add($"expected one WELCOME, got {welcomes}");
            }
            else
            {
                CheckWelcome(welcome, problems);
            }
        }
        else if (welcomes > 0)
        {
            problems.Add("a WELCOME nobody asked for");
        }
        if (expect.Fatal)
        {
            if (expect.ClientEndedConnection)
            {
                if (closeStatus != WebSocketCloseStatus.NormalClosure)
                {
                    problems.Add($"the client sent ERROR(0): expected the connection to end with close 1000, got {Describe(closeStatus, aborted, timedOut)}");
                }
            }
            else
            {
                if (connectionError?.Code != expect.ConnectionError)
                {
                    problems.Add($"expected ERROR(0, {expect.ConnectionError}), got {(connectionError is { } c ? $"ERROR(0, {c.Code}) \"{c.Message}\"" : "no ERROR(0)")}");
                }
                if (closeStatus != expect.CloseStatus)
                {
                    problems.Add($"expected close {(int?)expect.CloseStatus}, got {Describe(closeStatus, aborted, timedOut)}");
                }
                else if (!string.IsNullOrEmpty(closeDescription) && closeDescription != expect.ConnectionError)
                {
                    problems.Add($"the close reason \"{closeDescription}\" is not the error code {expect.ConnectionError} (section 10)");
                }
            }
            if (pongs > expect.Pongs)
            {
                problems.Add($"{pongs} PONGs for {expect.Pongs} PINGs");
            }
        }
        else
        {
            if (ended)
            {
                problems.Add($"the connection ended ({Describe(closeStatus, aborted, false)}{(connectionError is { } c ? $", ERROR(0, {c.Code}) \"{c.Message}\"" : "")}) where it should have stayed up");
            }
            else if (timedOut)
            {
                problems.Add($"the answer was incomplete after {AnswerTimeout.TotalSeconds:0} s ({pongs} of {expect.Pongs + 1} PONGs)");
            }
            else if (pongs != expect.Pongs + 1)
            {
                problems.Add($"{pongs} PONGs for {expect.Pongs + 1} PINGs");
            }
            if (connectionError is { } error && !ended)
            {
                problems.Add($"ERROR(0, {error.Code}) \"{error.Message}\" on a connection that stays up");
            }
        }
        foreach (var (relative, events) in observed)
        {
            if (!expect.Streams.ContainsKey(relative))
            {
                problems.Add($"stream {relative}: got [{string.Join(", ", events)}] for a stream the sequence never opened");
            }
        }
        foreach (var (relative, stream) in expect.Streams)
        {
            var got = observed.GetValueOrDefault(relative) ?? [];
            var prefixOnly = stream.PrefixOnly || expect.Fatal;
            if (!Matches(stream.Events, got, prefixOnly))
            {
                problems.Add($"stream {relative} \"{Short(stream.Route)}\": expected [{string.Join(", ", stream.Events)}]{(prefixOnly ? " or a prefix" : "")}, got [{string.Join(", ", got)}]");
            }
        }

        // Leave the connection ready for the next sequence: cancel what is still live, move the id base past every id used.
        if (!ended && !expect.Fatal)
        {
            var live = expect.Streams.Values.Where(s => s.LiveAtEnd).ToList();
            if (live.Count > 0)
            {
                var cancels = new List<byte>();
                foreach (var stream in live)
                {
                    cancels.AddRange(Parts.Cancel(stream.RelativeId).Render(idBase));
                }
                try
                {
                    await socket.SendAsync(new RenderedMessage(MessageKind.Binary, [.. cancels])).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
                {
                    ended = true;
                }
            }
            foreach (var (relative, stream) in expect.Streams)
            {
                connection.Earlier[idBase + relative] = (stream.PrefixOnly || stream.LiveAtEnd, sequence.Index, sequence.Class);
            }
            connection.IdBase = idBase + expect.HighestId + (expect.HighestId % 2);
            if (connection.IdBase % 2 != 0)
            {
                connection.IdBase++;
            }
            connection.HandshakeDone |= expect.Welcome;
        }
        var expected = string.Join(Environment.NewLine, expect.Trace.Select(t => "    model: " + t));
        return new SequenceOutcome(problems, ended || expect.Fatal, log.ToString(), expected);
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..20] + "…";

    private static string Describe(WebSocketCloseStatus? status, bool aborted, bool timedOut)
        => status is { } s ? $"close {(int)s}" : aborted ? "an abort (1006, no close handshake)" : timedOut ? $"nothing within {AnswerTimeout.TotalSeconds:0} s" : "no close";

    private void CheckWelcome(Incoming welcome, List<string> problems)
    {
        if (welcome.Version != ProtocolConstants.Version)
        {
            problems.Add($"WELCOME version {welcome.Version}, not the HELLO's {ProtocolConstants.Version} (6.1.4)");
        }
        if (welcome.MaxFrameSize != (uint)settings.MaxFrameSize)
        {
            problems.Add($"WELCOME maxFrameSize {welcome.MaxFrameSize}, the host's is {settings.MaxFrameSize}");
        }
        if (welcome.KeepAliveMilliseconds != (uint)settings.KeepAliveInterval.TotalMilliseconds)
        {
            problems.Add($"WELCOME keepalive {welcome.KeepAliveMilliseconds} ms, the host's is {settings.KeepAliveInterval.TotalMilliseconds} ms");
        }
        var session = welcome.SessionId ?? "";
        if (session.Length is 0 or > 128 || session.Any(c => c is < (char)0x21 or > (char)0x7E))
        {
            problems.Add($"WELCOME session id \"{session}\" is not 1 to 128 printable ASCII characters (6.3)");
        }
        if (welcome.Resumed)
        {
            problems.Add("WELCOME says RESUMED for a session the server never issued (6.3)");
        }
    }

    /// <summary>
    /// True when the observed events are all the expected ones so far (what the collector waits for). Once the fence's
    /// PONG is in, only asynchronous streams are waited for: the others' frames were queued before the PONG.
    /// </summary>
    private static bool Satisfied(Expectation expect, Dictionary<uint, List<StreamEvent>> observed, bool asynchronousOnly)
    {
        foreach (var (relative, stream) in expect.Streams)
        {
            if (stream.PrefixOnly || (asynchronousOnly && !stream.Asynchronous))
            {
                continue;
            }
            if ((observed.GetValueOrDefault(relative)?.Count ?? 0) < stream.Events.Count)
            {
                return false;
            }
        }
        return true;
    }

    private static bool Matches(List<StreamEvent> expected, List<StreamEvent> got, bool prefixOnly)
    {
        if (got.Count > expected.Count || (!prefixOnly && got.Count != expected.Count))
        {
            return false;
        }
        for (var i = 0; i < got.Count; i++)
        {
            if (expected[i].Kind != got[i].Kind || !SameText(expected[i], got[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Codes compare exactly; payloads as JSON values (the server may escape differently).</summary>
    private static bool SameText(StreamEvent expected, StreamEvent got)
    {
        if (expected.Text == got.Text || expected.Kind != StreamEventKind.Next)
        {
            return expected.Text == got.Text;
        }
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(expected.Text), JsonNode.Parse(got.Text));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
