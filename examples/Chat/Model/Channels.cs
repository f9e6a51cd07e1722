using RxStreams;

namespace Chat.Model;

/// <summary>The names of the chat's channels, in one place.</summary>
public static class Channels
{
    /// <summary>How many messages a room or a conversation keeps for newcomers and reconnecting clients.</summary>
    public static readonly StreamChannelOptions History = new() { MaxLength = 500 };

    /// <summary>For channels where only the last item matters.</summary>
    public static readonly StreamChannelOptions LatestOnly = new() { MaxLength = 1 };

    /// <summary>The directory of rooms (durable: replayed from the start).</summary>
    public const string Rooms = "rooms";

    /// <summary>A room's messages (durable).</summary>
    public static string Room(string room) => $"chat:{room}";

    /// <summary>A room's topic and pinned message (a realtime model).</summary>
    public static string RoomState(string room) => $"room:{room}";

    /// <summary>The room state's initial value and history (a member away for more than 64 changes gets a fresh snapshot).</summary>
    public static readonly RxStreams.Models.StreamModelOptions<global::Chat.Model.RoomState> RoomStateOptions = new() { Initial = global::Chat.Model.RoomState.Empty, HistoryLength = 64 };

    /// <summary>A room's typing indicators (ephemeral).</summary>
    public static string Typing(string room) => $"typing:{room}";

    /// <summary>The direct conversation of two users (durable). Sorted ids: both participants get the same channel.</summary>
    public static string Direct(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"dm:{a}:{b}" : $"dm:{b}:{a}";

    /// <summary>A user's inbox: the conversations others started with them (durable).</summary>
    public static string Inbox(string userId) => $"inbox:{userId}";

    /// <summary>A user's last-read offset in a channel (durable, keeps only the latest: <see cref="LatestOnly"/>).</summary>
    public static string Read(string userId, string channel) => $"read:{userId}:{channel}";

    /// <summary>A user's names for other people (durable, replayed from the start: the latest entry per person wins).</summary>
    public static string Contacts(string userId) => $"contacts:{userId}";

    /// <summary>
    /// How many renames a user's contacts channel keeps (the latest per person is what counts): a bound on what one user
    /// stores, at the price that a name given before the last 1,000 renames is forgotten (examples/Chat/README.md).
    /// </summary>
    public static readonly StreamChannelOptions ContactHistory = new() { MaxLength = 1000 };

    /// <summary>Call events addressed to a user: rings, and the signalling of their calls (ephemeral).</summary>
    public static string Calls(string userId) => $"calls:{userId}";

    /// <summary>The presence set of a user's calls in progress (ringing out or answered): non-empty means busy.</summary>
    public static string InCall(string userId) => $"in-call:{userId}";

    /// <summary>Notices to one user (ephemeral).</summary>
    public static string Notices(string userId) => $"notices:{userId}";
}
