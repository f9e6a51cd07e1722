namespace RxStreams.Servers;

/// <summary>A client connection that can host stream servers: the host opens streams to it (even ids).</summary>
internal interface IHostingConnection
{
    /// <summary>The connection's id (for logs).</summary>
    string ConnectionId { get; }

    /// <summary>Opens a stream to the client on <paramref name="route"/> (the server's name); what it answers goes to <paramref name="callbacks"/>.</summary>
    IHostedCallHandle OpenHostedCall(string route, IHostedCallCallbacks callbacks);
}

/// <summary>What the hosting client answers on a stream the host opened to it.</summary>
internal interface IHostedCallCallbacks
{
    void OnNext(ReadOnlyMemory<byte> payload);

    void OnCompleted();

    void OnError(string code, string message);
}

/// <summary>A stream the host opened to a hosting client.</summary>
internal interface IHostedCallHandle
{
    /// <summary>Sends an input item to the client's server.</summary>
    void Next(ReadOnlySpan<byte> payload);

    /// <summary>The input is finished.</summary>
    void Complete();

    /// <summary>Stops the stream (the caller went away).</summary>
    void Cancel();
}
