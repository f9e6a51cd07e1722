using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Parsing;

/// <summary>Reduces a type marked [StreamMessage] to the serializers it needs.</summary>
internal static class MessageParser
{
    public static MessageTypeResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type)
        {
            return null;
        }
        var diagnostics = new List<DiagnosticInfo>();
        var analyzer = new TypeAnalyzer(new KnownTypes(context.SemanticModel.Compilation), diagnostics, cancellationToken);
        analyzer.AddRoot(type, KnownTypes.SourceLocation(type));
        return new MessageTypeResult(analyzer.ToModel(), diagnostics.ToEquatableArray());
    }
}
