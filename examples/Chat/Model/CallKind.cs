namespace Chat.Model;

/// <summary>
/// What a call signal says. Clients send <see cref="Offer"/>, <see cref="Answer"/>, <see cref="Candidate"/> and
/// <see cref="Hangup"/>; everything else is the server's to say (on the wire in camelCase: <c>"noAnswer"</c>).
/// </summary>
public enum CallKind
{
    /// <summary>To the callee's tabs: someone is calling (<see cref="IncomingCall"/>).</summary>
    Ring,

    /// <summary>To the caller: the callee's tabs are ringing.</summary>
    Ringing,

    /// <summary>To the caller: the callee is already in a call.</summary>
    Busy,

    /// <summary>From a callee's tab to the caller: this tab takes the call.</summary>
    Accept,

    /// <summary>To the caller: the callee took the call; send the offer.</summary>
    Accepted,

    /// <summary>To the callee's tabs: one of them took the call (the others stop ringing: <see cref="Taken"/>).</summary>
    Answered,

    /// <summary>To a callee's tab: another tab or device of the same user took the call.</summary>
    Taken,

    /// <summary>From a callee's tab to the caller: no.</summary>
    Decline,

    /// <summary>To the caller: the callee declined.</summary>
    Declined,

    /// <summary>To the caller: nobody answered within the ring timeout.</summary>
    NoAnswer,

    /// <summary>The caller's WebRTC session description (SDP offer).</summary>
    Offer,

    /// <summary>The callee's WebRTC session description (SDP answer).</summary>
    Answer,

    /// <summary>An ICE candidate, either way.</summary>
    Candidate,

    /// <summary>One side hung up.</summary>
    Hangup,

    /// <summary>To the callee: the call is over (the caller hung up, gave up or went away).</summary>
    Ended,
}
