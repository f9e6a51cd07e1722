using System.Reactive.Linq;

namespace RxStreams.Benchmarks.Handlers;

/// <summary>The rest of a realistic route table.</summary>
public sealed partial class MiscHandlers
{
    [StreamRoute("presence/{room}")] public IObservable<PresenceEvent> Presence(string room) => Observable.Empty<PresenceEvent>();

    [StreamRoute("rpc/ping")] public ValueTask<string> Ping(string request) => ValueTask.FromResult(request);

    [StreamRoute("rpc/echo")] public ValueTask<string> Echo(string request) => ValueTask.FromResult(request);

    [StreamRoute("rpc/time")] public ValueTask<long> Time(string request) => ValueTask.FromResult(0L);

    [StreamRoute("files/{path}")] public IObservable<string> File(string path) => Observable.Empty<string>();

    [StreamRoute("admin/stats")] public IObservable<int> Stats() => Observable.Empty<int>();

    [StreamRoute("admin/health")] public IObservable<bool> Health() => Observable.Empty<bool>();

    [StreamRoute("feeds/{feed}/live")] public IObservable<string> Live(string feed) => Observable.Empty<string>();

    [StreamRoute("feeds/{feed}/from/{offset:long}")] public IObservable<string> From(string feed, long offset) => Observable.Empty<string>();

    [StreamRoute("notifications")] public IObservable<string> Notifications() => Observable.Empty<string>();

    [StreamRoute("flags/{name}/{on:bool}")] public Task Flag(string name, bool on, string reason) => Task.CompletedTask;
}
