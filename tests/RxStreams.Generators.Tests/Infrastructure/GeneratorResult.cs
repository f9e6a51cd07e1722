using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>What one generator run gave.</summary>
internal sealed record GeneratorResult(Compilation Input, Compilation Output, GeneratorDriver Driver, GeneratorDriverRunResult RunResult)
{
    /// <summary>The diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => RunResult.Diagnostics;

    /// <summary>The warnings and errors of compiling the sources with the generated code.</summary>
    public ImmutableArray<Diagnostic> CompilationProblems
        => [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    /// <summary>The generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources
        => RunResult.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Fails with the problems when the generated code does not compile cleanly or the generator reported something.</summary>
    public GeneratorResult ShouldCompileCleanly()
    {
        var problems = GeneratorDiagnostics.Concat(CompilationProblems).ToList();
        Assert.True(problems.Count == 0, "Expected no diagnostics, got:\n" + string.Join("\n", problems));
        return this;
    }
}
