using System.Diagnostics;
using System.Globalization;

namespace RxStreams.Testing;

/// <summary>
/// A real Redis Cluster on loopback: <c>masters</c> masters with <c>replicas</c> replicas each, every node a
/// <c>redis-server --cluster-enabled yes</c> on a free port with an explicit cluster-bus port (port + 10000 can
/// overflow), joined by <c>redis-cli --cluster create … --cluster-replicas N --cluster-yes</c>. Started once and shared
/// by the tests that need it; a node can be killed by its pid (a master's replica then takes over after the node timeout).
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    /// <summary>How long a node may be unreachable before the cluster fails it over: short, so failover tests are quick.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromMilliseconds(1500);

    private readonly string _directory;
    private readonly List<Node> _nodes = [];

    private RedisCluster()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rxstreams-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Every node started (killed ones included), in start order: the first <c>masters</c> were created as masters.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>A StackExchange.Redis connection string naming every node (the client finds the roles and slots itself).</summary>
    public string ConnectionString
        => string.Join(",", _nodes.Select(n => $"127.0.0.1:{n.Port}")) + ",abortConnect=false,connectRetry=3,connectTimeout=5000,syncTimeout=5000";

    /// <summary>Starts the nodes, creates the cluster and waits until every node says <c>cluster_state:ok</c> and every replica is in sync.</summary>
    public static async Task<RedisCluster> StartAsync(int masters = 3, int replicas = 1)
    {
        var cluster = new RedisCluster();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, masters * (1 + replicas)).Select(_ => cluster.StartNodeAsync())).ConfigureAwait(false);
            string[] create = ["--cluster", "create", .. cluster._nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-replicas", replicas.ToString(CultureInfo.InvariantCulture), "--cluster-yes"];
            var output = await RedisServer.RunAsync(CpuPinning.StartInfo("redis-cli", create, null)).ConfigureAwait(false);
            if (!output.Contains("[OK] All 16384 slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("redis-cli --cluster create failed:\n" + output);
            }
            await cluster.WaitUntilHealthyAsync(masters, replicas).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartNodeAsync()
    {
        int port, busPort;
        lock (_nodes)
        {
            do
            {
                port = RedisServer.FreePort();
                busPort = RedisServer.FreePort();
            }
            while (port == busPort || _nodes.Any(n => n.Port == port || n.BusPort == port || n.Port == busPort || n.BusPort == busPort));
        }
        var node = new Node(port, busPort, StartProcess(port, busPort));
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        await WaitUntilAcceptingAsync(node).ConfigureAwait(false);
    }

    private static async Task WaitUntilAcceptingAsync(Node node)
    {
        var process = node.Process;
        await Wait.UntilAsync(() => RedisServer.CanConnect(node.Port) || process.HasExited, $"cluster node accepts connections on port {node.Port}").ConfigureAwait(false);
        if (process.HasExited)
        {
            throw new InvalidOperationException($"redis-server (cluster node on port {node.Port}) exited with code {process.ExitCode} at start.");
        }
    }

    private Process StartProcess(int port, int busPort)
    {
        var info = CpuPinning.StartInfo(RedisServer.FindRedisServer(),
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--cluster-port", busPort.ToString(CultureInfo.InvariantCulture),
            "--cluster-enabled", "yes",
            "--cluster-config-file", $"nodes-{port}.conf",
            "--cluster-node-timeout", ((int)NodeTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            // A replica always may take over, however long it was cut off: the tests kill masters on purpose.
            "--cluster-replica-validity-factor", "0",
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", _directory,
            "--protected-mode", "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        ], cpus: null);
        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Starts a killed node again (same port, same cluster config file, no data): it rejoins the cluster as a replica
    /// of the master that replaced it. Waits until the cluster is whole: every node ok, every replica in sync.
    /// </summary>
    public async Task RestartAsync(int port, int masters = 3, int replicas = 1)
    {
        var node = _nodes.Single(n => n.Port == port);
        if (node.IsRunning)
        {
            throw new InvalidOperationException($"cluster node {port} is running.");
        }
        node.Process.Dispose();
        node.Process = StartProcess(node.Port, node.BusPort);
        await WaitUntilAcceptingAsync(node).ConfigureAwait(false);
        await WaitUntilHealthyAsync(masters, replicas).ConfigureAwait(false);
    }

    private async Task WaitUntilHealthyAsync(int masters, int replicas)
    {
        await Wait.UntilAsync(async () =>
        {
            foreach (var node in _nodes)
            {
                if (!(await CliAsync(node.Port, "CLUSTER", "INFO").ConfigureAwait(false)).Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            var roles = await RolesAsync().ConfigureAwait(false);
            if (roles.Count(r => r.Value == "master") != masters || roles.Count(r => r.Value == "slave") != masters * replicas)
            {
                return false;
            }
            foreach (var node in _nodes.Where(n => roles[n.Port] == "slave"))
            {
                if (!(await CliAsync(node.Port, "INFO", "replication").ConfigureAwait(false)).Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }, "every cluster node says cluster_state:ok and every replica is in sync", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>The role of every live node by port ("master" or "slave"), from <c>ROLE</c>.</summary>
    public async Task<Dictionary<int, string>> RolesAsync()
    {
        var roles = new Dictionary<int, string>();
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            var output = await CliAsync(node.Port, "ROLE").ConfigureAwait(false);
            roles[node.Port] = output.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        }
        return roles;
    }

    /// <summary>The live masters' ports.</summary>
    public async Task<IReadOnlyList<int>> MastersAsync() => [.. (await RolesAsync().ConfigureAwait(false)).Where(r => r.Value == "master").Select(r => r.Key)];

    /// <summary>Kills a node by its pid (SIGKILL, as a crash) and waits for it to exit.</summary>
    public async Task KillAsync(int port)
    {
        var node = _nodes.Single(n => n.Port == port);
        if (node.IsRunning)
        {
            node.Process.Kill(entireProcessTree: true);
            await node.Process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The ports of a master's replicas (from the master's <c>ROLE</c>).</summary>
    public static async Task<IReadOnlyList<int>> ReplicasOfAsync(int masterPort)
    {
        // master, offset, then ip, port, offset per replica
        var lines = (await CliAsync(masterPort, "ROLE").ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != "master")
        {
            throw new InvalidOperationException($"node {masterPort} is not a master.");
        }
        var ports = new List<int>();
        for (var i = 3; i < lines.Length; i += 3)
        {
            ports.Add(int.Parse(lines[i], CultureInfo.InvariantCulture));
        }
        return ports;
    }

    /// <summary>Drops a master's replication links (<c>CLIENT KILL TYPE replica</c>): until a replica reconnects, writes exist on the master only.</summary>
    public static Task DisconnectReplicasAsync(int masterPort) => CliAsync(masterPort, "CLIENT", "KILL", "TYPE", "replica");

    /// <summary>Freezes a node (SIGSTOP): its connections stay open, it answers nothing and replicates nothing.</summary>
    public Task PauseAsync(int port) => SignalAsync(port, "STOP");

    /// <summary>Lets a paused node go on (SIGCONT).</summary>
    public Task ResumeAsync(int port) => SignalAsync(port, "CONT");

    private async Task SignalAsync(int port, string signal)
    {
        var node = _nodes.Single(n => n.Port == port);
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {node.Pid}") { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {node.Pid} failed with exit code {kill.ExitCode}.");
        }
    }

    /// <summary>Waits until the cluster is whole again after a master died: <c>cluster_state:ok</c> on every live node, <paramref name="masters"/> masters.</summary>
    public Task WaitForFailoverAsync(int masters = 3) => Wait.UntilAsync(async () =>
    {
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            if (!(await CliAsync(node.Port, "CLUSTER", "INFO").ConfigureAwait(false)).Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                return false;
            }
        }
        return (await MastersAsync().ConfigureAwait(false)).Count == masters;
    }, "a replica took over and the cluster is ok again", TimeSpan.FromSeconds(60));

    /// <summary>INFO commandstats of one node: calls per command.</summary>
    public static Task<Dictionary<string, long>> CommandStatsAsync(int port) => RedisServer.CommandStatsAsync(port);

    /// <summary>
    /// Cluster-bus messages of each kind a node received so far (<c>CLUSTER INFO</c>'s
    /// <c>cluster_stats_messages_*_received</c>: <c>publish</c> for plain pub/sub, <c>publishshard</c> for sharded).
    /// </summary>
    public static async Task<Dictionary<string, long>> BusMessagesReceivedAsync(int port)
    {
        var stats = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (await CliAsync(port, "CLUSTER", "INFO").ConfigureAwait(false)).Split('\n', StringSplitOptions.TrimEntries))
        {
            // cluster_stats_messages_publish_received:12
            const string Prefix = "cluster_stats_messages_";
            var end = line.IndexOf("_received:", StringComparison.Ordinal);
            if (line.StartsWith(Prefix, StringComparison.Ordinal) && end > Prefix.Length)
            {
                stats[line[Prefix.Length..end]] = long.Parse(line[(end + "_received:".Length)..], CultureInfo.InvariantCulture);
            }
        }
        return stats;
    }

    /// <summary>
    /// Runs <c>redis-benchmark</c> (pipelined 16 deep) against the master that owns <paramref name="key"/>'s slot, as a
    /// client that routes by slot would; returns its requests per second (NaN if it printed none).
    /// </summary>
    public async Task<double> BenchmarkAsync(string key, int requests, params string[] command)
        => await RedisServer.BenchmarkAsync(await MasterOfAsync(key).ConfigureAwait(false), null, requests, command).ConfigureAwait(false);

    /// <summary>The port of the master that owns a key's slot now (asked of any node: it answers or redirects with MOVED).</summary>
    public async Task<int> MasterOfAsync(string key)
    {
        var port = _nodes.First(n => n.IsRunning).Port;
        var answer = (await CliAsync(port, "TYPE", key).ConfigureAwait(false)).Trim();
        // MOVED 5798 127.0.0.1:41234
        return answer.Contains("MOVED", StringComparison.Ordinal)
            ? int.Parse(answer[(answer.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture)
            : port;
    }

    /// <summary>Runs <c>redis-cli -p port …</c> and returns what it printed.</summary>
    public static Task<string> CliAsync(int port, params string[] command)
        => RedisServer.RunAsync(CpuPinning.StartInfo("redis-cli", ["-p", port.ToString(CultureInfo.InvariantCulture), .. command], null));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            if (node.IsRunning)
            {
                node.Process.Kill(entireProcessTree: true);
                await node.Process.WaitForExitAsync().ConfigureAwait(false);
            }
            node.Process.Dispose();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>One redis-server of the cluster.</summary>
    public sealed class Node(int port, int busPort, Process process)
    {
        /// <summary>Its client port (127.0.0.1).</summary>
        public int Port => port;

        /// <summary>Its cluster-bus port.</summary>
        public int BusPort => busPort;

        /// <summary>Its process (killed by pid to make it fail).</summary>
        public Process Process { get; internal set; } = process;

        /// <summary>Its pid.</summary>
        public int Pid => Process.Id;

        /// <summary>False once killed.</summary>
        public bool IsRunning => !Process.HasExited;
    }
}
