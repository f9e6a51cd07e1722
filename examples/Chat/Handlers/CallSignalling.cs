using System.Reactive.Linq;
using Chat.Calls;
using Chat.Model;
using Chat.Rx;
using Microsoft.AspNetCore.Authorization;
using RxStreams;

namespace Chat.Handlers;

/// <summary>
/// Video and voice calls between two users, signalled over RxStreams; the media go peer to peer (WebRTC).
/// <list type="bullet">
/// <item><c>calls</c>: each tab of a user hears its incoming calls ring, and stop ringing when another tab took one or it ended.</item>
/// <item><c>call/{media}/{peer}</c>: the caller's stream is the call. It rings the callee's tabs, picks the first that
/// accepts, forwards the offer, answer and ICE candidates between the two pages, and ends on a decline, the ring
/// timeout, a hang-up, or when either stream goes away (<see cref="OutgoingCall"/>).</item>
/// <item><c>answer/{callId}</c>: a callee's tab takes the call: its signals go to the caller, the caller's come back.</item>
/// <item><c>calls/decline</c>, <c>calls/config</c> (the STUN/TURN servers).</item>
/// </list>
/// A user starts at most <see cref="CallRateLimiter.Burst"/> calls at once, then one every ten seconds (<c>rate_limited</c>).
/// Every event carries the user id of the stream it came from, from the login cookie, and each side listens only to
/// the other participant. The call id names both participants under the app's data protection
/// (<see cref="CallTokens"/>), so any node can refuse an answer or a decline from someone else.
/// </summary>
[Authorize]
public sealed partial class CallSignalling(IStreamHub hub, CallTokens tokens, CallOptions options, CallRateLimiter limiter)
{
    /// <summary>How long a tab that accepts waits for the caller's side to confirm (it may have just hung up).</summary>
    private static readonly TimeSpan s_confirmation = TimeSpan.FromSeconds(15);

    [StreamRoute("calls")]
    public IObservable<IncomingCall> Ringing(StreamContext context)
    {
        var me = ChatUser.Of(context);
        var tab = context.SessionId;
        return hub.Ephemeral<CallEvent>(Channels.Calls(me.Id))
            .Where(e => e.Kind is CallKind.Ring or CallKind.Ended || (e.Kind == CallKind.Answered && e.Session != tab))
            .Select(e => new IncomingCall(e.CallId, e.FromUser, e.FromName, e.Video, e.Kind == CallKind.Answered ? CallKind.Taken : e.Kind));
    }

    [StreamRoute("call/{media}/{peer}")]
    public IObservable<CallSignal> Call(string media, string peer, IObservable<CallSignal> input, StreamContext context)
    {
        var me = ChatUser.Of(context);
        if (!Names.IsUserId(peer) || peer == me.Id)
        {
            throw new StreamException("invalid_peer", "Calls go to another user, by their user id.");
        }
        if (media is not ("video" or "voice"))
        {
            throw new StreamException("invalid_media", "A call is \"video\" or \"voice\".");
        }
        if (!limiter.TryStart(me.Id))
        {
            throw new StreamException(StreamErrorCodes.RateLimited,
                $"You are starting calls too fast: {CallRateLimiter.Burst} at once, then one every {CallRateLimiter.Refill.TotalSeconds:0} seconds.");
        }
        var stamp = new CallEvent(tokens.Create(me.Id, peer), CallKind.Ring, me.Id, me.Name, Video: media == "video");
        var callee = hub.Ephemeral<CallEvent>(Channels.Calls(peer));

        // Everything that happens to the call, in one sequence: the callee's tabs (only this call, only from the
        // callee), the caller's page (its input ending is a hang-up), the ring timeout, and the start.
        var steps = Observable.Merge(
            hub.Ephemeral<CallEvent>(Channels.Calls(me.Id)).Where(e => e.CallId == stamp.CallId && e.FromUser == peer).Select(CallStep.FromCallee),
            input.Select(CallStep.FromCaller).Concat(Observable.Return(CallStep.CallerLeft)),
            Observable.Timer(options.RingTimeout).Select(_ => CallStep.RingTimedOut),
            Observable.Return(CallStep.Started));
        var call = steps
            .Scan(OutgoingCall.New(stamp), (call, step) => call.Step(step))
            .Do(call =>
            {
                foreach (var e in call.ToCallee)
                {
                    callee.OnNext(e);
                }
            })
            .TakeUntil(call => call.Phase == OutgoingCall.State.Over)
            .SelectMany(call => call.ToCaller)
            .Finally(() => callee.OnNext(stamp with { Kind = CallKind.Ended }))
            .WhilePresent(hub.Presence(Channels.InCall(me.Id)), new PresenceMember($"{context.ConnectionId}/{context.StreamId}", me.Id, me.Name));

        // Someone already in a call (ringing out, or talking) is busy.
        return Observable.FromAsync(cancel => hub.Presence(Channels.InCall(peer)).GetMembersAsync(cancel).AsTask())
            .SelectMany(calls => calls.Count > 0 ? Observable.Return(new CallSignal(CallKind.Busy)) : call);
    }

    [StreamRoute("answer/{callId}")]
    public IObservable<CallSignal> Answer(string callId, IObservable<CallSignal> input, StreamContext context)
    {
        var me = ChatUser.Of(context);
        var parties = CallTo(me, callId);
        var caller = hub.Ephemeral<CallEvent>(Channels.Calls(parties.Caller));
        var tab = context.SessionId;
        var accept = new CallEvent(callId, CallKind.Accept, me.Id, me.Name, tab);

        // What the caller's stream sends this tab. This tab's "calls" stream keeps the user's call channel
        // subscribed on this node, so nothing the caller answers to the Accept below is missed.
        var fromCaller = hub.Ephemeral<CallEvent>(Channels.Calls(me.Id))
            .Where(e => e.CallId == callId && e.FromUser == parties.Caller)
            .Select(e => e.Kind switch
            {
                CallKind.Answered => new CallSignal(e.Session == tab ? CallKind.Accepted : CallKind.Taken),
                CallKind.Offer or CallKind.Candidate when e.Session == tab => new CallSignal(e.Kind, e.Data),
                CallKind.Ended => new CallSignal(CallKind.Ended),
                _ => null,
            })
            .Where(signal => signal is not null)
            .Select(signal => signal!)
            .Timeout(Observable.Timer(s_confirmation), _ => Observable.Never<long>(), Observable.Return(new CallSignal(CallKind.Ended)))
            .TakeUntil(signal => signal.Kind is CallKind.Taken or CallKind.Ended);
        var toCaller = input
            .Where(signal => signal.Kind is CallKind.Answer or CallKind.Candidate or CallKind.Hangup)
            .Select(signal => accept with { Kind = signal.Kind, Data = signal.Data })
            .StartWith(accept);
        return fromCaller
            .Alongside(toCaller, caller)
            .Finally(() => caller.OnNext(accept with { Kind = CallKind.Hangup }))
            .WhilePresent(hub.Presence(Channels.InCall(me.Id)), new PresenceMember($"{context.ConnectionId}/{context.StreamId}", me.Id, me.Name));
    }

    [StreamRoute("calls/decline")]
    public async Task Decline(DeclineCall request, StreamContext context)
    {
        var me = ChatUser.Of(context);
        var parties = CallTo(me, request.CallId);
        await hub.Ephemeral<CallEvent>(Channels.Calls(parties.Caller))
            .PublishAsync(new CallEvent(request.CallId, CallKind.Decline, me.Id, me.Name, context.SessionId), context.Aborted);
    }

    /// <summary><c>calls/config</c>: the STUN/TURN servers the pages use (configuration: <c>Chat:Calls:IceServers</c>), once.</summary>
    [StreamRoute("calls/config")]
    public IObservable<CallConfig> Config() => Observable.Return(new CallConfig(options.IceServers));

    // The participants of a call addressed to me; anyone else (or a made-up id) is refused.
    private CallParties CallTo(ChatUser me, string callId)
        => tokens.Read(callId) is { } parties && parties.Callee == me.Id
            ? parties
            : throw new StreamException("not_your_call", "There is no such call for you to answer.");
}
