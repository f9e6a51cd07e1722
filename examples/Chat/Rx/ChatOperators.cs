using System.Reactive;
using System.Reactive.Linq;
using Chat.Model;
using RxStreams;

namespace Chat.Rx;

/// <summary>
/// The few Rx operators the chat's handlers are built from. Each is a plain composition of Rx operators over one
/// client's input stream, so its state (a token bucket, the time of the last item) belongs to that stream alone.
/// </summary>
public static class ChatOperators
{
    /// <summary>
    /// What a user posts to a room or a direct conversation, as the messages to publish: each text through the
    /// <paramref name="policy"/> (<see cref="Enforce"/>: trim, length, blocked words, <c>:emoji:</c>), then the rate
    /// limit (<see cref="RateLimit"/>: 5 at once, then 1 a second; what goes over it gets <see cref="Notice.SlowDown"/>),
    /// then stamped with the user and the time. Refusals go to <paramref name="notices"/>.
    /// </summary>
    public static IObservable<ChatMessage> ToMessages(this IObservable<Post> input, ChatUser me, MessagePolicy policy, IObserver<Notice> notices, StreamContext context)
        => input
            .Select(post => post.Text)
            .Enforce(policy, rejected: notices)
            .RateLimit(burst: 5, refill: TimeSpan.FromSeconds(1), context.Clock, onLimited: _ => notices.OnNext(Notice.SlowDown))
            .Select(text => ChatMessage.Create(me, text, context.Now));

    /// <summary>
    /// Runs each text through the <paramref name="policy"/>: what it accepts goes on (cleaned), what it refuses
    /// becomes a <see cref="Notice"/> on <paramref name="rejected"/>, and blank input is dropped.
    /// </summary>
    public static IObservable<string> Enforce(this IObservable<string?> texts, MessagePolicy policy, IObserver<Notice> rejected)
        => texts
            .Select(policy.Check)
            .Do(verdict => { if (verdict.Rejection is { } notice) { rejected.OnNext(notice); } })
            .Where(verdict => verdict.Text is not null)
            .Select(verdict => verdict.Text!);

    /// <summary>
    /// A token bucket as a <see cref="Observable.Scan{TSource, TAccumulate}(IObservable{TSource}, TAccumulate, Func{TAccumulate, TSource, TAccumulate})"/>:
    /// up to <paramref name="burst"/> items at once, then one per <paramref name="refill"/>. Items over the limit are
    /// dropped and handed to <paramref name="onLimited"/>.
    /// </summary>
    public static IObservable<T> RateLimit<T>(this IObservable<T> source, int burst, TimeSpan refill, TimeProvider clock, Action<T>? onLimited = null)
        => source
            .Scan(new Bucket<T>(burst, clock.GetTimestamp(), default!, Allowed: false), (bucket, item) =>
            {
                var now = clock.GetTimestamp();
                var tokens = Math.Min(burst, bucket.Tokens + (clock.GetElapsedTime(bucket.Time, now) / refill));
                return tokens >= 1 ? new Bucket<T>(tokens - 1, now, item, true) : new Bucket<T>(tokens, now, item, false);
            })
            .Do(bucket => { if (!bucket.Allowed) { onLimited?.Invoke(bucket.Item); } })
            .Where(bucket => bucket.Allowed)
            .Select(bucket => bucket.Item);

    /// <summary>Calls <paramref name="action"/> with the first item only (for a one-time side effect such as announcing a conversation).</summary>
    public static IObservable<T> DoFirst<T>(this IObservable<T> source, Action<T> action)
        => source.Select((item, index) =>
        {
            if (index == 0)
            {
                action(item);
            }
            return item;
        });

    /// <summary>
    /// Calls <paramref name="action"/> with the first item, and again with the first item after each item of
    /// <paramref name="again"/>: every item passes through unchanged. (A direct conversation is announced to the
    /// recipient's inbox with the first message, and again after they removed it from their list.)
    /// </summary>
    public static IObservable<T> DoFirst<T, TSignal>(this IObservable<T> source, IObservable<TSignal> again, Action<T> action)
        => source.Publish(items => items.Merge(
            again.Select(_ => true).StartWith(true)
                .Select(_ => items.Take(1))
                .Switch()
                .Do(action)
                .IgnoreElements()));

    /// <summary>
    /// <paramref name="output"/>, with every item of <paramref name="input"/> published to <paramref name="target"/>
    /// for as long as it is subscribed. The output is subscribed first, so it hears whatever answers the input's
    /// first items. An input error ends the output; the input completing does not.
    /// </summary>
    public static IObservable<T> Alongside<T, TInput>(this IObservable<T> output, IObservable<TInput> input, IObserver<TInput> target)
        => Observable.Create<T>(observer =>
        {
            var safe = Observer.Synchronize(observer);
            var reading = output.Subscribe(safe);
            var writing = input.Subscribe(target.OnNext, safe.OnError, static () => { });
            return new System.Reactive.Disposables.CompositeDisposable(writing, reading);
        });

    /// <summary>
    /// <paramref name="source"/>, with <paramref name="member"/> in the presence set <paramref name="presence"/> for
    /// as long as it is subscribed (on every node; a node that dies takes its members with it when their leases expire).
    /// </summary>
    public static IObservable<T> WhilePresent<T>(this IObservable<T> source, IStreamPresence presence, PresenceMember member)
        => Observable.Using(() => presence.Join(member).Subscribe(static _ => { }, static _ => { }), _ => source);

    /// <summary>
    /// A running count of the items of <paramref name="source"/>, starting at 0, at most one update per
    /// <paramref name="period"/>: a replayed history makes one update rather than one per item. (Sample, not
    /// Throttle: a debounce would never emit while a busy room keeps talking. Its timer ticks while subscribed.)
    /// </summary>
    public static IObservable<int> RunningCount<T>(this IObservable<T> source, TimeSpan period)
        => source.Scan(0, (count, _) => count + 1).StartWith(0).Sample(period).DistinctUntilChanged();

    private sealed record Bucket<T>(double Tokens, long Time, T Item, bool Allowed);
}
