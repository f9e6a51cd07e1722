using System.Diagnostics.Metrics;
using RxStreams.Diagnostics;

namespace RxStreams.Fuzzing.Host;

/// <summary>
/// The server's own accounting, read from its "RxStreams" meter: open connections, open streams and the bytes queued for
/// sending over all connections (the per-connection pending bytes the limits bound), with their peaks.
/// </summary>
public sealed class ServerGauges : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _connections;
    private long _streams;
    private long _sendQueueBytes;
    private long _peakConnections;
    private long _peakStreams;
    private long _peakSendQueueBytes;

    public ServerGauges()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RxStreamsMetrics.Name && instrument.Name is "rxstreams.connections" or "rxstreams.streams" or "rxstreams.send_queue.bytes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, delta, _, _) =>
        {
            switch (instrument.Name)
            {
                case "rxstreams.connections":
                    Peak(ref _peakConnections, Interlocked.Add(ref _connections, delta));
                    break;
                case "rxstreams.streams":
                    Peak(ref _peakStreams, Interlocked.Add(ref _streams, delta));
                    break;
                default:
                    Peak(ref _peakSendQueueBytes, Interlocked.Add(ref _sendQueueBytes, delta));
                    break;
            }
        });
        _listener.Start();
    }

    public long Connections => Volatile.Read(ref _connections);

    public long Streams => Volatile.Read(ref _streams);

    public long SendQueueBytes => Volatile.Read(ref _sendQueueBytes);

    public long PeakConnections => Volatile.Read(ref _peakConnections);

    public long PeakStreams => Volatile.Read(ref _peakStreams);

    public long PeakSendQueueBytes => Volatile.Read(ref _peakSendQueueBytes);

    private static void Peak(ref long peak, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, current) != current)
        {
        }
    }

    public void Dispose() => _listener.Dispose();
}
