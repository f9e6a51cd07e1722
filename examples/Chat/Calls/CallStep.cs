using Chat.Model;

namespace Chat.Calls;

/// <summary>One thing that happens to an outgoing call: the call starts, the caller or the callee signals, or the ring times out.</summary>
public sealed record CallStep(CallStep.Source From, CallSignal Signal, string? Session = null)
{
    /// <summary>Who a step comes from.</summary>
    public enum Source
    {
        /// <summary>The call was placed.</summary>
        Start,

        /// <summary>The caller's page.</summary>
        Caller,

        /// <summary>One of the callee's tabs (<see cref="Session"/> says which).</summary>
        Callee,

        /// <summary>The ring timeout.</summary>
        Clock,
    }

    /// <summary>The call was placed.</summary>
    public static readonly CallStep Started = new(Source.Start, new CallSignal(CallKind.Ring));

    /// <summary>Nobody answered in time.</summary>
    public static readonly CallStep RingTimedOut = new(Source.Clock, new CallSignal(CallKind.NoAnswer));

    /// <summary>The caller's page ended its input: it hung up.</summary>
    public static readonly CallStep CallerLeft = new(Source.Caller, new CallSignal(CallKind.Hangup));

    /// <summary>A signal from the caller's page.</summary>
    public static CallStep FromCaller(CallSignal signal) => new(Source.Caller, signal);

    /// <summary>An event from one of the callee's tabs.</summary>
    public static CallStep FromCallee(CallEvent e) => new(Source.Callee, new CallSignal(e.Kind, e.Data), e.Session);
}
