using System.Reactive.Linq;

namespace RxStreams.Generators.Tests.Handlers;

/// <summary>Routes for the router's edge cases: several segment counts, parameters first, booleans.</summary>
public sealed partial class Cases
{
    [StreamRoute("a/b/c")]
    public IObservable<string> Abc() => Observable.Return("a/b/c");

    [StreamRoute("a/{x}/c")]
    public IObservable<string> AxC(string x) => Observable.Return("a/" + x + "/c");

    [StreamRoute("{first}/is/{second:bool}")]
    public IObservable<string> FirstSecond(string first, bool second) => Observable.Return(first + "=" + second);

    [StreamRoute("{only}")]
    public IObservable<string> Only(string only) => Observable.Return(only);

    /// <summary>A payload type from another assembly (RxStreams): its serializer is generated here.</summary>
    [StreamRoute("presence/{room}")]
    public IObservable<PresenceEvent> Presence(string room)
        => Observable.Return(new PresenceEvent(PresenceEventKind.Joined, new PresenceMember("c1", room, null)));

    [StreamRoute("p/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}")]
    public IObservable<string> Eight(string a, string b, string c, string d, string e, string f, string g, string h)
        => Observable.Return(string.Join(",", a, b, c, d, e, f, g, h));
}
