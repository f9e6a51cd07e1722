using System.Reactive.Linq;
using Microsoft.AspNetCore.Authorization;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>Only typed parameters (a value that does not parse is InvalidValue), [Authorize] metadata, a disposable handler.</summary>
[Authorize(Policy = "orders")]
public sealed partial class Orders : IDisposable
{
    private readonly Probe _probe;

    private Orders(Probe probe, IServiceProvider services)
    {
        _probe = probe;
        _probe.Record("Orders.ctor", services);
    }

    [StreamRoute("orders/{id:int}")]
    [Authorize(Roles = "clerk,admin")]
    public IObservable<int> Watch(int id, IGreeter? optionalGreeter)
    {
        _probe.Record("Orders.Watch", id, optionalGreeter);
        return Observable.Never<int>();
    }

    [StreamRoute("orders/{id:guid}/audit")]
    [AllowAnonymous]
    public Task<List<int>> Audit(Guid id, int[] request) => Task.FromResult(request.Select(i => i * 2).ToList());

    [StreamRoute("orders/fail")]
    public IObservable<int> Fail() => throw new InvalidOperationException("handler failed synchronously");

    public void Dispose() => Interlocked.Increment(ref _probe.Disposed);
}
