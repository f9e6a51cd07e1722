using System.Linq;
using Microsoft.CodeAnalysis;

namespace RxStreams.Generators.Parsing;

/// <summary>The symbols the parsers compare against, resolved once per parse from the compilation.</summary>
internal sealed class KnownTypes
{
    public KnownTypes(Compilation compilation)
    {
        Compilation = compilation;
        Observable = Get("System.IObservable`1");
        Task = Get("System.Threading.Tasks.Task");
        TaskOfT = Get("System.Threading.Tasks.Task`1");
        ValueTask = Get("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = Get("System.Threading.Tasks.ValueTask`1");
        CancellationToken = Get("System.Threading.CancellationToken");
        ServiceProvider = Get("System.IServiceProvider");
        Disposable = Get("System.IDisposable");
        AsyncDisposable = Get("System.IAsyncDisposable");
        Guid = Get("System.Guid");
        DateTimeOffset = Get("System.DateTimeOffset");
        TimeSpan = Get("System.TimeSpan");
        DateOnly = Get("System.DateOnly");
        TimeOnly = Get("System.TimeOnly");
        JsonElement = Get("System.Text.Json.JsonElement");
        List = Get("System.Collections.Generic.List`1");
        IList = Get("System.Collections.Generic.IList`1");
        IReadOnlyList = Get("System.Collections.Generic.IReadOnlyList`1");
        ICollection = Get("System.Collections.Generic.ICollection`1");
        IReadOnlyCollection = Get("System.Collections.Generic.IReadOnlyCollection`1");
        IEnumerable = Get("System.Collections.Generic.IEnumerable`1");
        Dictionary = Get("System.Collections.Generic.Dictionary`2");
        IDictionary = Get("System.Collections.Generic.IDictionary`2");
        IReadOnlyDictionary = Get("System.Collections.Generic.IReadOnlyDictionary`2");
        StreamContext = Get("RxStreams.StreamContext");
        StreamItem = Get("RxStreams.StreamItem`1");
        ModelStream = Get("RxStreams.Models.ModelStream`1");
        ModelEdit = Get("RxStreams.Models.ModelEdit`1");
        StreamRouteAttribute = Get("RxStreams.StreamRouteAttribute");
        JsonIgnoreAttribute = Get("System.Text.Json.Serialization.JsonIgnoreAttribute");
        JsonPropertyNameAttribute = Get("System.Text.Json.Serialization.JsonPropertyNameAttribute");
        JsonConstructorAttribute = Get("System.Text.Json.Serialization.JsonConstructorAttribute");
        JsonStringEnumMemberNameAttribute = Get("System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute");
        ActivatorUtilitiesConstructorAttribute = Get("Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructorAttribute");
        SetsRequiredMembersAttribute = Get("System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute");
        FlagsAttribute = Get("System.FlagsAttribute");
        UnsafeAccessorAttribute = Get("System.Runtime.CompilerServices.UnsafeAccessorAttribute");
    }

    public Compilation Compilation { get; }

    public INamedTypeSymbol? Observable { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? ServiceProvider { get; }

    public INamedTypeSymbol? Disposable { get; }

    public INamedTypeSymbol? AsyncDisposable { get; }

    public INamedTypeSymbol? Guid { get; }

    public INamedTypeSymbol? DateTimeOffset { get; }

    public INamedTypeSymbol? TimeSpan { get; }

    public INamedTypeSymbol? DateOnly { get; }

    public INamedTypeSymbol? TimeOnly { get; }

    public INamedTypeSymbol? JsonElement { get; }

    public INamedTypeSymbol? List { get; }

    public INamedTypeSymbol? IList { get; }

    public INamedTypeSymbol? IReadOnlyList { get; }

    public INamedTypeSymbol? ICollection { get; }

    public INamedTypeSymbol? IReadOnlyCollection { get; }

    public INamedTypeSymbol? IEnumerable { get; }

    public INamedTypeSymbol? Dictionary { get; }

    public INamedTypeSymbol? IDictionary { get; }

    public INamedTypeSymbol? IReadOnlyDictionary { get; }

    public INamedTypeSymbol? StreamContext { get; }

    public INamedTypeSymbol? StreamItem { get; }

    public INamedTypeSymbol? ModelStream { get; }

    public INamedTypeSymbol? ModelEdit { get; }

    public INamedTypeSymbol? StreamRouteAttribute { get; }

    public INamedTypeSymbol? JsonIgnoreAttribute { get; }

    public INamedTypeSymbol? JsonPropertyNameAttribute { get; }

    public INamedTypeSymbol? JsonConstructorAttribute { get; }

    public INamedTypeSymbol? JsonStringEnumMemberNameAttribute { get; }

    public INamedTypeSymbol? ActivatorUtilitiesConstructorAttribute { get; }

    public INamedTypeSymbol? SetsRequiredMembersAttribute { get; }

    public INamedTypeSymbol? FlagsAttribute { get; }

    public INamedTypeSymbol? UnsafeAccessorAttribute { get; }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
        => type is not null && known is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, known);

    public static bool HasAttribute(ISymbol symbol, INamedTypeSymbol? attribute) => GetAttribute(symbol, attribute) is not null;

    public static AttributeData? GetAttribute(ISymbol symbol, INamedTypeSymbol? attribute)
    {
        if (attribute is null)
        {
            return null;
        }
        foreach (var data in symbol.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(data.AttributeClass, attribute))
            {
                return data;
            }
        }
        return null;
    }

    /// <summary>A record's compiler-generated copy constructor (or any constructor taking the type itself), never one to create instances with.</summary>
    public static bool IsCopyConstructor(IMethodSymbol constructor, INamedTypeSymbol type)
        => constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    /// <summary>Where a symbol is declared in source (the identifier of a type, method or parameter), if anywhere.</summary>
    public static Location? SourceLocation(ISymbol symbol) => symbol.Locations.FirstOrDefault(l => l.IsInSource);

    private INamedTypeSymbol? Get(string metadataName) => Compilation.GetTypeByMetadataName(metadataName);
}
