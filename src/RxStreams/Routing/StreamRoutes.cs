using System.ComponentModel;

namespace RxStreams.Routing;

/// <summary>
/// The routers of the process. Generated module initializers register each assembly's router here, so hosts find
/// every route without scanning assemblies.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StreamRoutes
{
    private static readonly object s_gate = new();
    private static StreamRouter[] s_routers = [];

    /// <summary>Registers a router; registering the same router type again does nothing.</summary>
    public static void Register(StreamRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        lock (s_gate)
        {
            if (s_routers.Any(r => r.GetType() == router.GetType()))
            {
                return;
            }
            s_routers = [.. s_routers, router];
        }
    }

    /// <summary>The routers registered so far.</summary>
    public static IReadOnlyList<StreamRouter> Routers => Volatile.Read(ref s_routers);
}
