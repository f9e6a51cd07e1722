using System.Reactive.Linq;

namespace RxStreams.Benchmarks.Handlers;

/// <summary>User routes: typed and untyped parameters and literals in the same places.</summary>
[StreamRoute("users")]
public sealed partial class UserHandlers(IClock clock)
{
    private static readonly IObservable<int> s_ids = Observable.Return(1);

    [StreamRoute("me")]
    public IObservable<int> Me() => s_ids;

    [StreamRoute("{id:int}")]
    public IObservable<int> ById(int id, IClock clock2) => s_ids;

    [StreamRoute("{id:int}/profile")]
    public IObservable<int> Profile(int id) => s_ids;

    [StreamRoute("{name}")]
    public IObservable<int> ByName(string name) => s_ids;

    [StreamRoute("{id:int}/friends/{page:int}")]
    public IObservable<int> Friends(int id, int page) => s_ids;

    public override string ToString() => clock.Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
