using System.Reactive.Linq;
using RxStreams;

namespace PackageConsumer;

/// <summary>A chat message.</summary>
public sealed record ChatMessage(string From, string Text, DateTimeOffset SentAt);

/// <summary>Two numbers to add.</summary>
public sealed record AddRequest(int A, int B);

/// <summary>The README's first handler, as it is written there.</summary>
[StreamRoute("chat/{room}")]
public sealed partial class ChatRoom(IStreamHub hub)
{
    /// <summary>Publishes what the client writes and replays the room.</summary>
    public IObservable<StreamItem<ChatMessage>> Join(string room, IObservable<ChatMessage> input, StreamContext context)
        => hub.Channel<ChatMessage>($"chat:{room}").Connect(
            input.Where(m => m.Text.Length is > 0 and <= 2000)
                 .Select(m => m with { From = context.UserName, SentAt = context.Now }),
            from: context.ResumeOffset ?? StreamOffset.Start);
}

/// <summary>Request/response.</summary>
[StreamRoute("math")]
public sealed partial class MathHandlers
{
    /// <summary>Adds.</summary>
    [StreamRoute("add")]
    public Task<int> Add(AddRequest request) => Task.FromResult(request.A + request.B);
}
