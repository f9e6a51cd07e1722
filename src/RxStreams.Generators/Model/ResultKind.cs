namespace RxStreams.Generators.Model;

/// <summary>What the handler method returns, which picks the StreamHandlerResult factory.</summary>
internal enum ResultKind
{
    Observable,
    StreamItems,
    Model,
    TaskOfT,
    ValueTaskOfT,
    Task,
    ValueTask,
    Void,
}
