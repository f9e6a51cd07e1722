using RxStreams.Servers;

namespace RxStreams.Tests.Redis;

/// <summary>A hosting "client" that echoes each input item and completes when the input does.</summary>
internal sealed class EchoHost : IServerHostConnection
{
    private int _opened;

    public int Opened => Volatile.Read(ref _opened);

    public string ConnectionId => "echo-host";

    public IServerStreamHandle OpenServerStream(string route, IServerStreamCallbacks callbacks)
    {
        Interlocked.Increment(ref _opened);
        return new Handle(callbacks);
    }

    private sealed class Handle(IServerStreamCallbacks callbacks) : IServerStreamHandle
    {
        public void Next(ReadOnlySpan<byte> payload) => callbacks.OnNext(payload.ToArray());

        public void Complete() => callbacks.OnCompleted();

        public void Cancel()
        {
        }
    }
}
