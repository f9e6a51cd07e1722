using System.Reactive.Linq;
using RxStreams.Generators.Tests.Messages;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>A class prefix with typed parameters, literal precedence and the four shapes.</summary>
[StreamRoute("items")]
public sealed partial class Items
{
    private readonly Probe _probe;
    private readonly IGreeter _greeter;

    public Items(Probe probe, IGreeter greeter)
    {
        _probe = probe;
        _greeter = greeter;
    }

    /// <summary>Not a handler: a constructor with fewer parameters is not used.</summary>
    public Items(Probe probe)
        : this(probe, new Greeter())
    {
    }

    [StreamRoute("latest")]
    public IObservable<string> Latest()
    {
        _probe.Record("Items.Latest");
        return Observable.Return("latest");
    }

    [StreamRoute("{id:int}")]
    public IObservable<int> ById(int id, CancellationToken cancellationToken)
    {
        _probe.Record("Items.ById", id, cancellationToken);
        return Observable.Range(id, 3);
    }

    [StreamRoute("{id:long}/big")]
    public IObservable<long> ByLong(long id)
    {
        _probe.Record("Items.ByLong", id);
        return Observable.Return(id);
    }

    [StreamRoute("{name}")]
    public IObservable<string> ByName(string name, IGreeter greeter)
    {
        _probe.Record("Items.ByName", name, greeter);
        return Observable.Return(greeter.Greet(name));
    }

    [StreamRoute("by-guid/{key:guid}")]
    public Task<Shared> ByGuid(Guid key, Shared request, StreamContext context)
    {
        _probe.Record("Items.ByGuid", key, request, context);
        return Task.FromResult(request with { Value = key.ToString("N") + ":" + request.Value, Count = request.Count + 1 });
    }

    [StreamRoute("flag/{on:bool}")]
    public ValueTask Toggle(bool on, Settings message, CancellationToken cancellationToken)
    {
        _probe.Record("Items.Toggle", on, message, cancellationToken);
        return ValueTask.CompletedTask;
    }

    [StreamRoute("note/{id:int}/{text}")]
    public void Note(string text, int id, RichMessage message)
    {
        _probe.Record("Items.Note", text, id, message);
    }

    [StreamRoute("greet")]
    public ValueTask<string> Greet(string name) => ValueTask.FromResult(_greeter.Greet(name));

    [StreamRoute("tree")]
    public Task Plant(TreeNode tree)
    {
        _probe.Record("Items.Plant", tree);
        return Task.CompletedTask;
    }
}
