namespace RxStreams.Servers;

/// <summary>Where a caller's end of a proxied stream delivers what the client-hosted server answers.</summary>
internal interface IProxySink
{
    /// <summary>An answer item (the bytes are immutable and may be kept).</summary>
    void OnNext(ReadOnlyMemory<byte> payload);

    void OnCompleted();

    void OnError(string code, string message);
}
