using RxStreams.Redis;

namespace RxStreams.Tests.Redis;

/// <summary>
/// The replica options the constructor refuses, each with the option named. No Redis is needed: the options are
/// checked before anything connects.
/// </summary>
public sealed class RedisBackplaneOptionsTests
{
    private static RedisBackplaneOptions Options(Action<RedisBackplaneOptions> change)
    {
        var options = new RedisBackplaneOptions { Configuration = "127.0.0.1:1", OperationTimeout = TimeSpan.FromSeconds(2) };
        change(options);
        return options;
    }

    private static void AssertRefused(string option, Action<RedisBackplaneOptions> change)
    {
        var options = Options(change);
        var e = Assert.ThrowsAny<ArgumentException>(() => new RedisBackplane(options));
        Assert.Equal(option, e.ParamName);
    }

    [Fact]
    public void Bad_replica_wait_options_are_refused_naming_the_option()
    {
        AssertRefused(nameof(RedisBackplaneOptions.WaitForReplicas), o => o.WaitForReplicas = -1);
        AssertRefused(nameof(RedisBackplaneOptions.ReplicaWaitTimeout), o => o.ReplicaWaitTimeout = TimeSpan.Zero);
        // Half a millisecond would reach Redis as WAIT n 0: wait forever.
        AssertRefused(nameof(RedisBackplaneOptions.ReplicaWaitTimeout), o => o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(0.5));
        // The WAIT call is bounded by OperationTimeout too: a replica wait as long would always end as "Redis did not answer".
        AssertRefused(nameof(RedisBackplaneOptions.ReplicaWaitTimeout), o =>
        {
            o.WaitForReplicas = 1;
            o.ReplicaWaitTimeout = o.OperationTimeout;
        });
    }

    [Fact]
    public void A_replica_wait_shorter_than_the_operation_timeout_is_accepted_and_without_replicas_to_wait_for_any_is()
    {
        Options(o =>
        {
            o.WaitForReplicas = 2;
            o.ReplicaWaitTimeout = o.OperationTimeout - TimeSpan.FromMilliseconds(1);
        }).Validate();
        Options(o => o.ReplicaWaitTimeout = TimeSpan.FromMinutes(1)).Validate();
        Options(o => o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(1)).Validate();
    }
}
