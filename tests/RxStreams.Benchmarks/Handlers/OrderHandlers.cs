using System.Reactive.Linq;
using RxStreams.Benchmarks.Messages;

namespace RxStreams.Benchmarks.Handlers;

/// <summary>Order routes: Guid and long parameters, request/response.</summary>
public sealed partial class OrderHandlers
{
    [StreamRoute("orders/{id:guid}")]
    public IObservable<OrderSnapshot> Watch(Guid id) => Observable.Empty<OrderSnapshot>();

    [StreamRoute("orders/{id:guid}/lines/{line:int}")]
    public IObservable<OrderLine> Line(Guid id, int line) => Observable.Empty<OrderLine>();

    [StreamRoute("orders/place")]
    public Task<OrderSnapshot> Place(OrderLine request) => throw new NotSupportedException();

    [StreamRoute("orders/by-version/{version:long}")]
    public IObservable<OrderSnapshot> ByVersion(long version) => Observable.Empty<OrderSnapshot>();
}
