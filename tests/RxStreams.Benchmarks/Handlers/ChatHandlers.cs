using System.Reactive.Linq;
using RxStreams.Benchmarks.Messages;

namespace RxStreams.Benchmarks.Handlers;

/// <summary>Chat routes.</summary>
[StreamRoute("chat/{room}")]
public sealed partial class ChatHandlers(IClock clock)
{
    private static readonly IObservable<StreamItem<ChatMessage>> s_none = Observable.Empty<StreamItem<ChatMessage>>();

    [StreamRoute("")]
    public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<ChatMessage> input, StreamContext context) => s_none;

    [StreamRoute("typing")]
    public IObservable<string> Typing(string room) => Observable.Return(clock.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    [StreamRoute("history/{from:long}")]
    public IObservable<StreamItem<ChatMessage>> History(string room, long from) => s_none;

    [StreamRoute("send")]
    public Task Send(string room, ChatMessage message) => Task.CompletedTask;
}
