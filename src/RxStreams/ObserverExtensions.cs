namespace RxStreams;

/// <summary>Small helpers over observers used across the library.</summary>
internal static class ObserverExtensions
{
    /// <summary>Ends <paramref name="observer"/>: <c>OnCompleted</c> when <paramref name="error"/> is null, <c>OnError</c> otherwise.</summary>
    public static void Terminate<T>(this IObserver<T> observer, Exception? error)
    {
        if (error is null)
        {
            observer.OnCompleted();
        }
        else
        {
            observer.OnError(error);
        }
    }
}
