using System.Text;

namespace RxStreams.Fuzzing.Wire;

/// <summary>One generated sequence: its class (the grammar rule or mutation that made it), where it runs and its messages.</summary>
public sealed record FuzzSequence(long Index, string Class, SequenceMode Mode, IReadOnlyList<FuzzMessage> Messages)
{
    /// <summary>For <see cref="SequenceMode.Scenario"/>: the scenario to run.</summary>
    public RxStreams.Fuzzing.Scenarios.HostileScenario? Scenario { get; init; }

    /// <summary>The same sequence with other messages (the shrinker's steps).</summary>
    public FuzzSequence With(IReadOnlyList<FuzzMessage> messages) => this with { Messages = messages };

    /// <summary>The sequence for a report: each message, its frames and their bytes at an id base.</summary>
    public string Describe(uint idBase)
    {
        var text = new StringBuilder();
        text.Append("sequence #").Append(Index).Append(" [").Append(Class).Append("] ").Append(Mode).Append(", id base ").Append(idBase).AppendLine();
        foreach (var message in Messages)
        {
            text.Append("  ").Append(message).AppendLine();
            text.Append("    hex ").AppendLine(Convert.ToHexString(message.Render(idBase).Bytes).ToLowerInvariant());
        }
        return text.ToString();
    }
}
