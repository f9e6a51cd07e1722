namespace RxStreams.Fuzzing.Scenarios;

/// <summary>
/// A hostile client (or a pair of clients) whose answer depends on time or on more than one connection, with its own
/// oracle: slow and stopped readers, abandoned handshakes, floods over the rate limit, hosted-server traffic, busy
/// durable channels. Each finds problems into its <see cref="ScenarioContext"/>.
/// </summary>
public sealed record HostileScenario(string Name, string Description, Func<ScenarioContext, Task> RunAsync)
{
    public static IReadOnlyList<HostileScenario> All { get; } = HostileScenarios.Create();

    public override string ToString() => Name;
}
