namespace RxStreams.Generators.Model;

/// <summary>How a disposable handler is released when its invocation throws before a result exists.</summary>
internal enum DisposeKind
{
    None,
    Disposable,
    AsyncDisposable,
}
