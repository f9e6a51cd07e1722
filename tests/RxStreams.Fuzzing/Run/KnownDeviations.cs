namespace RxStreams.Fuzzing.Run;

/// <summary>
/// Sequence classes whose documented answer the server does not give yet: the findings of issue 12 being fixed, and
/// the fuzzer's own new findings. Their sequences still run and are still checked; a failure in one of these classes
/// is reported as "known" instead of failing the run. Remove a class from <see cref="Pending"/> once its fix lands:
/// from then on the fuzz test holds the server to the document for it. A class listed here that no longer fails is
/// reported too (<see cref="FuzzReport.FixedButStillListed"/>), so the list cannot go stale unnoticed.
/// </summary>
public static class KnownDeviations
{
    /// <summary>Class → why it is pending (and, optionally, text of a server log error it causes, so that error counts as known too).</summary>
    public static readonly IReadOnlyDictionary<string, (string Why, string? LogSignature)> Pending = new Dictionary<string, (string, string?)>(StringComparer.Ordinal)
    {
        // Issue 12, finding 1: a text message or a message over MaxFrameSize before HELLO is aborted (1006) instead of
        // ERROR(0, protocol_error | frame_too_large) + close 1002 | 1009.
        ["handshake.text"] = ("issue 12 #1", null),
        ["handshake.oversized"] = ("issue 12 #1", null),
        // Issue 12, finding 2: OPEN frames without a payload are not counted against MaxMessagesPerSecond.
        ["scenario.rate-open-flood"] = ("issue 12 #2", null),
        // Issue 12, finding 3: a stream with 0 credits on a busy durable channel buffers live items without limit
        // while its history replay waits; no slow_consumer.
        ["scenario.zero-credits-busy-durable"] = ("issue 12 #3", null),
        // Issue 12, finding 4: a from-start OPEN answered not_recovered after its replay fell behind the trim.
        ["scenario.from-start-trimmed"] = ("issue 12 #4", null),

        // Fuzzer finding A: a JSON null payload for a message type (a record) reaches the handler as null (the
        // generated serializer returns null) and the handler fails: handler_error, and an error logged, instead of
        // invalid_payload (section 9: "not valid JSON for the stream's message type").
        ["payload.null"] = ("fuzzer finding A", "NullReferenceException"),
        // Fuzzer finding B: a stream whose COMPLETE waits for credits behind held items is live (section 7.6) but
        // ignores what should end it: a second OPEN on its id (no stream_id_in_use, 7.1), NEXT on a subscription or
        // after the opener's COMPLETE (no invalid_payload, 7.3). ServerStream.Fail does nothing once _terminated.
        ["stream.id-in-use-held"] = ("fuzzer finding B", null),
        ["stream.next-on-held-complete"] = ("fuzzer finding B", null),
        ["stream.input-after-held-complete"] = ("fuzzer finding B", null),
        // Fuzzer finding C: a request/response opened with 0 credits gets its response at once; section 7.4 says the
        // responder MUST NOT send more NEXT than the credits (7.3: "open it with credits ≥ 1").
        ["stream.request-zero-credits"] = ("fuzzer finding C", null),
    };

    public static bool IsPending(string sequenceClass) => Pending.ContainsKey(sequenceClass);

    /// <summary>The pending class a server log error belongs to, if any.</summary>
    public static string? ClassOfLog(string logEntry)
        => Pending.FirstOrDefault(p => p.Value.LogSignature is { } signature && logEntry.Contains(signature, StringComparison.Ordinal)).Key;
}
