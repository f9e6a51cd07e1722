namespace RxStreams.Backplanes.InMemory;

/// <summary>
/// The stored state of one model of the in-memory backplane: compare-and-set under a lock, the change appended to the
/// model's channel under the same lock (so the order of changes in the channel is the order of versions), delivered
/// after the lock is released.
/// </summary>
internal sealed class InMemoryModel
{
    private readonly object _gate = new();
    private BackplaneModelState _state;

    public BackplaneModelState Read()
    {
        lock (_gate)
        {
            return _state;
        }
    }

    public BackplaneModelWrite Write(InMemoryChannel channel, long expectedVersion, ReadOnlyMemory<byte> state, ReadOnlyMemory<byte> change, int maxLength)
    {
        bool drain;
        BackplaneModelState written;
        lock (_gate)
        {
            if (_state.Version != expectedVersion)
            {
                return new BackplaneModelWrite(false, _state);
            }
            // Copies: the caller may reuse its buffers once the call returns.
            var offset = channel.Append(change.ToArray(), maxLength, durable: true, out drain);
            written = _state = new BackplaneModelState(expectedVersion + 1, state.ToArray(), offset);
        }
        if (drain)
        {
            channel.Drain();
        }
        return new BackplaneModelWrite(true, written);
    }
}
