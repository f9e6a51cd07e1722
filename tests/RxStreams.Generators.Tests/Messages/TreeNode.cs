namespace RxStreams.Generators.Tests.Messages;

/// <summary>A recursive message type.</summary>
[StreamMessage]
public sealed class TreeNode
{
    public string Name { get; set; } = "";

    public List<TreeNode> Children { get; set; } = [];
}
