namespace RxStreams.Benchmarks.Messages;

/// <summary>A larger message: nested records, a list, a dictionary, an enum, nullable members.</summary>
public sealed record OrderSnapshot(
    Guid Id,
    long Version,
    OrderStatus Status,
    string Customer,
    string? Note,
    DateTimeOffset UpdatedAt,
    List<OrderLine> Lines,
    Dictionary<string, string> Tags,
    double? Discount,
    bool Express);
