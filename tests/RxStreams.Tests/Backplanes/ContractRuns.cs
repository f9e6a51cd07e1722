using RxStreams.Tests.Redis;
using Xunit.Abstractions;

namespace RxStreams.Tests.Backplanes;

// Each contract suite against each backplane. A new backplane adds a target and three lines here; a new contract
// suite adds three classes. The Redis runs share the run's one redis-server and one cluster (RedisCollection).

public sealed class InMemoryDurableChannelContract(ITestOutputHelper output) : DurableChannelContract(new InMemoryTarget(), output);

public sealed class InMemoryEphemeralAndPresenceContract() : EphemeralAndPresenceContract(new InMemoryTarget());

public sealed class InMemoryWorkQueueContract(ITestOutputHelper output) : WorkQueueContract(new InMemoryTarget(), output);

[Collection(RedisCollection.Name)]
public sealed class SingleRedisDurableChannelContract(RedisFixture fixture, ITestOutputHelper output)
    : DurableChannelContract(new RedisContractTarget(fixture, cluster: false, output), output);

[Collection(RedisCollection.Name)]
public sealed class SingleRedisEphemeralAndPresenceContract(RedisFixture fixture, ITestOutputHelper output)
    : EphemeralAndPresenceContract(new RedisContractTarget(fixture, cluster: false, output));

[Collection(RedisCollection.Name)]
public sealed class SingleRedisWorkQueueContract(RedisFixture fixture, ITestOutputHelper output)
    : WorkQueueContract(new RedisContractTarget(fixture, cluster: false, output), output);

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisDurableChannelContract(RedisFixture fixture, ITestOutputHelper output)
    : DurableChannelContract(new RedisContractTarget(fixture, cluster: true, output), output);

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisEphemeralAndPresenceContract(RedisFixture fixture, ITestOutputHelper output)
    : EphemeralAndPresenceContract(new RedisContractTarget(fixture, cluster: true, output));

[Collection(RedisCollection.Name)]
public sealed class ClusterRedisWorkQueueContract(RedisFixture fixture, ITestOutputHelper output)
    : WorkQueueContract(new RedisContractTarget(fixture, cluster: true, output), output);
