namespace RxStreams.Generators.Model;

/// <summary>The handler's shape; the names match RxStreams.Routing.StreamInteraction.</summary>
internal enum InteractionKind
{
    Duplex,
    Subscription,
    RequestResponse,
    FireAndForget,
}
