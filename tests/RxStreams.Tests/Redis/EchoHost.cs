using RxStreams.Servers;

namespace RxStreams.Tests.Redis;

/// <summary>A hosting "client" that echoes each input item and completes when the input does.</summary>
internal sealed class EchoHost : IHostingConnection
{
    private int _opened;

    public int Opened => Volatile.Read(ref _opened);

    public string ConnectionId => "echo-host";

    public IHostedCallHandle OpenHostedCall(string route, IHostedCallCallbacks callbacks)
    {
        Interlocked.Increment(ref _opened);
        return new Handle(callbacks);
    }

    private sealed class Handle(IHostedCallCallbacks callbacks) : IHostedCallHandle
    {
        public void Next(ReadOnlySpan<byte> payload) => callbacks.OnNext(payload.ToArray());

        public void Complete() => callbacks.OnCompleted();

        public void Cancel()
        {
        }
    }
}
