using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RxStreams.Generators.Tests.Infrastructure;

/// <summary>
/// Builds real compilations (against the framework, ASP.NET Core and RxStreams assemblies this test process runs on)
/// and runs the generator on them with step tracking on.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using RxStreams;
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>A compilation of the sources (named Source0.cs, Source1.cs … unless given as (path, text)).</summary>
    public static CSharpCompilation Compile(string assemblyName, IEnumerable<MetadataReference>? extraReferences, params (string Path, string Text)[] sources)
    {
        var trees = sources
            .Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path))
            .Append(CSharpSyntaxTree.ParseText(GlobalUsings, ParseOptions, "GlobalUsings.cs"));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.AddRange(extraReferences ?? []),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static CSharpCompilation Compile(params string[] sources)
        => Compile("App", null, sources.Select((s, i) => ($"Source{i}.cs", s)).ToArray());

    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new StreamGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on the sources.</summary>
    public static GeneratorResult Run(params string[] sources) => Run(Compile(sources));

    public static GeneratorResult Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return new GeneratorResult(compilation, output, driver, driver.GetRunResult());
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // Everything this process runs on, except the test harness itself (whose generated registration would
        // otherwise show up in every test compilation) and the test framework.
        var excluded = new[] { "RxStreams.Generators", "RxStreams.Testing", "xunit", "testhost", "Microsoft.TestPlatform", "Microsoft.VisualStudio", "Microsoft.CodeAnalysis" };
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. paths
            .Where(p => !excluded.Any(e => Path.GetFileName(p).StartsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
