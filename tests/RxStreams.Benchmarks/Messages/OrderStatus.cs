namespace RxStreams.Benchmarks.Messages;

/// <summary>An order's state.</summary>
public enum OrderStatus
{
    Placed,
    Paid,
    Shipped,
    Cancelled,
}
