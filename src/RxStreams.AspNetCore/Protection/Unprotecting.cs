namespace RxStreams.AspNetCore.Protection;

/// <summary>
/// What a backplane subscription delivers, decrypted. The first item that does not decrypt ends the subscription with
/// the <see cref="StreamErrorCodes.Undecryptable"/> error (already logged); nothing after it is delivered.
/// </summary>
internal sealed class Unprotecting<T>(IObservable<T> source, string name, Unprotecting<T>.Decrypt decrypt) : IObservable<T>
{
    /// <summary>Decrypts one item of the channel or queue <paramref name="name"/>, or throws a <see cref="StreamException"/>.</summary>
    public delegate T Decrypt(string name, in T item);

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return source.Subscribe(new Observer(observer, name, decrypt));
    }

    private sealed class Observer(IObserver<T> downstream, string name, Decrypt decrypt) : IObserver<T>
    {
        // Notifications come one at a time (the backplane's contract), so a plain field suffices.
        private bool _stopped;

        public void OnNext(T value)
        {
            if (_stopped)
            {
                return;
            }
            T clear;
            try
            {
                clear = decrypt(name, value);
            }
            catch (StreamException e)
            {
                _stopped = true;
                downstream.OnError(e);
                return;
            }
            downstream.OnNext(clear);
        }

        public void OnError(Exception error)
        {
            if (!_stopped)
            {
                _stopped = true;
                downstream.OnError(error);
            }
        }

        public void OnCompleted()
        {
            if (!_stopped)
            {
                _stopped = true;
                downstream.OnCompleted();
            }
        }
    }
}
