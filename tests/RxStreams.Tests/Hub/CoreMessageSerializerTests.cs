namespace RxStreams.Tests.Hub;

public sealed class CoreMessageSerializerTests
{
    [Fact]
    public void The_core_message_types_ship_with_serializers_a_client_can_use()
    {
        var serializer = Serialization.StreamSerializer.Get<PresenceEvent>();
        var e = new PresenceEvent(PresenceEventKind.Snapshot, null, [new PresenceMember("c1", "ann", "Ann")]);
        var json = Serialization.StreamSerializer.SerializeToArray(serializer, e);
        Assert.Equal("""{"kind":"snapshot","member":null,"members":[{"id":"c1","user":"ann","data":"Ann"}]}""", System.Text.Encoding.UTF8.GetString(json));
        var back = Serialization.StreamSerializer.Deserialize(serializer, json);
        Assert.Equal(e.Kind, back.Kind);
        Assert.Equal(e.Members, back.Members);
    }
}
