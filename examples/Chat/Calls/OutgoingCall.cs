using Chat.Model;

namespace Chat.Calls;

/// <summary>
/// The state of a call as its caller's stream sees it, and what each step makes it say: a pure function, run by the
/// <c>call/{media}/{peer}</c> handler as a <c>Scan</c> over everything that happens to the call.
/// </summary>
/// <remarks>
/// Ringing: the first tab of the callee that accepts wins (the caller's stream is the one place that decides); a
/// decline, the ring timeout or the caller hanging up end it. Connected: only the winning tab's signals reach the
/// caller, and the caller's reach only that tab. Over: nothing more; the handler completes the stream and tells the
/// callee's tabs the call ended.
/// </remarks>
/// <param name="Phase">Ringing, connected or over.</param>
/// <param name="Answerer">The callee's tab that took the call, once connected.</param>
/// <param name="ToCaller">What this step sends the caller's page.</param>
/// <param name="ToCallee">What this step sends the callee's tabs (each stamped from <paramref name="Stamp"/>).</param>
/// <param name="Stamp">The call's id, caller and media, for the events to the callee.</param>
public sealed record OutgoingCall(OutgoingCall.State Phase, string? Answerer, IReadOnlyList<CallSignal> ToCaller, IReadOnlyList<CallEvent> ToCallee, CallEvent Stamp)
{
    /// <summary>Where a call is.</summary>
    public enum State
    {
        /// <summary>Not placed yet.</summary>
        New,

        /// <summary>The callee's tabs are ringing.</summary>
        Ringing,

        /// <summary>A tab of the callee took it; the two pages negotiate and talk.</summary>
        Connected,

        /// <summary>Declined, unanswered or hung up.</summary>
        Over,
    }

    /// <summary>A call not placed yet.</summary>
    public static OutgoingCall New(CallEvent stamp) => new(State.New, null, [], [], stamp);

    /// <summary>The call after <paramref name="step"/>.</summary>
    public OutgoingCall Step(CallStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var kind = step.Signal.Kind;
        var quiet = this with { ToCaller = [], ToCallee = [] };
        return (Phase, step.From) switch
        {
            (State.New, CallStep.Source.Start) => quiet with { Phase = State.Ringing, ToCaller = [new(CallKind.Ringing)], ToCallee = [Stamp with { Kind = CallKind.Ring }] },

            (State.Ringing, CallStep.Source.Callee) when kind == CallKind.Accept && step.Session is { } tab
                => quiet with { Phase = State.Connected, Answerer = tab, ToCaller = [new(CallKind.Accepted)], ToCallee = [Stamp with { Kind = CallKind.Answered, Session = tab }] },
            (State.Ringing, CallStep.Source.Callee) when kind == CallKind.Decline => quiet with { Phase = State.Over, ToCaller = [new(CallKind.Declined)] },
            (State.Ringing, CallStep.Source.Clock) => quiet with { Phase = State.Over, ToCaller = [new(CallKind.NoAnswer)] },
            (State.Ringing, CallStep.Source.Caller) when kind == CallKind.Hangup => quiet with { Phase = State.Over },

            (State.Connected, CallStep.Source.Callee) when step.Session == Answerer => kind switch
            {
                CallKind.Answer or CallKind.Candidate => quiet with { ToCaller = [step.Signal] },
                CallKind.Hangup => quiet with { Phase = State.Over, ToCaller = [new(CallKind.Hangup)] },
                _ => quiet,
            },
            (State.Connected, CallStep.Source.Caller) => kind switch
            {
                CallKind.Offer or CallKind.Candidate => quiet with { ToCallee = [Stamp with { Kind = kind, Session = Answerer, Data = step.Signal.Data }] },
                CallKind.Hangup => quiet with { Phase = State.Over },
                _ => quiet,
            },

            _ => quiet, // late, stray or out-of-turn signals change nothing
        };
    }
}
