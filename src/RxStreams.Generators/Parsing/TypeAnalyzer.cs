using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Parsing;

/// <summary>
/// Reduces message types to <see cref="TypeModel"/>s and <see cref="NamedTypeModel"/>s, walking member types
/// transitively, and reports what it cannot serialize (RXS0006) at the member concerned.
/// One instance serves one parse (a handler class or a [StreamMessage] type).
/// </summary>
internal sealed class TypeAnalyzer
{
    private readonly KnownTypes _known;
    private readonly IAssemblySymbol _assembly;
    private readonly SerializableMembers _members;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<string, NamedTypeModel?> _named = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _namedFailures = new(StringComparer.Ordinal);
    private readonly List<NamedTypeModel> _namedOrder = [];
    private readonly List<TypeModel> _roots = [];
    private readonly List<DiagnosticInfo> _diagnostics;
    private Location? _usage;

    public TypeAnalyzer(KnownTypes known, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        _known = known;
        _assembly = known.Compilation.Assembly;
        _members = new SerializableMembers(known);
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Adds a payload type (a handler's input, output or request, or a [StreamMessage] type).</summary>
    /// <returns>False when it cannot be serialized (a diagnostic was reported at <paramref name="usage"/>).</returns>
    public bool AddRoot(ITypeSymbol type, Location? usage)
    {
        _usage = usage;
        var model = Analyze(type, out var reason);
        if (model is null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, usage, type.ToDisplayString(Names.Readable), reason!));
            return false;
        }
        if (!IsBuiltIn(model))
        {
            _roots.Add(model.AsRoot());
        }
        return true;
    }

    public TypeSetModel ToModel() => new(
        _namedOrder.ToEquatableArray(),
        _roots.GroupBy(r => r.Mangled, StringComparer.Ordinal).Select(g => g.First()).ToEquatableArray());

    /// <summary>The payload types RxStreams.Serialization.StreamSerializer serializes without generated code.</summary>
    private static bool IsBuiltIn(TypeModel model)
        => model.Kind == JsonTypeKind.Primitive && model.Primitive is PrimitiveKind.String or PrimitiveKind.Boolean or PrimitiveKind.Int32
            or PrimitiveKind.Int64 or PrimitiveKind.Double or PrimitiveKind.Decimal or PrimitiveKind.Guid or PrimitiveKind.DateTime
            or PrimitiveKind.DateTimeOffset or PrimitiveKind.JsonElement;

    private TypeModel? Analyze(ITypeSymbol type, out string? reason)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        reason = null;
        var allowsNull = !type.IsValueType && type.NullableAnnotation != NullableAnnotation.NotAnnotated;

        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
            {
                reason = "multidimensional arrays are not supported";
                return null;
            }
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                return new TypeModel(JsonTypeKind.Primitive, "byte[]", PrimitiveKind.ByteArray, null, null, false, allowsNull, "ByteArray");
            }
            var element = Analyze(array.ElementType, out var elementReason);
            if (element is null)
            {
                reason = $"its elements: {elementReason}";
                return null;
            }
            return new TypeModel(JsonTypeKind.Array, element.DeclaredName + "[]", PrimitiveKind.None, element, null, false, allowsNull, "ArrayOf" + element.Mangled);
        }

        if (type is ITypeParameterSymbol)
        {
            reason = "type parameters are not supported (message types are not generic)";
            return null;
        }

        if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
        {
            reason = $"'{type.ToDisplayString(Names.Readable)}' is not a type RxStreams can serialize";
            return null;
        }

        var primitive = PrimitiveOf(named);
        if (primitive != PrimitiveKind.None)
        {
            var isValue = primitive != PrimitiveKind.String;
            return new TypeModel(JsonTypeKind.Primitive, Names.FullNoTopAnnotation(named), primitive, null, null, isValue, allowsNull, primitive.ToString());
        }

        switch (named.OriginalDefinition.SpecialType)
        {
            case SpecialType.System_Object:
                reason = "'object' is not supported (its type is unknown when reading; use JsonElement for free-form JSON)";
                return null;
            case SpecialType.System_Nullable_T:
                var inner = Analyze(named.TypeArguments[0], out var innerReason);
                if (inner is null)
                {
                    reason = innerReason;
                    return null;
                }
                return new TypeModel(JsonTypeKind.Nullable, inner.Name + "?", PrimitiveKind.None, inner, null, true, true, "NullableOf" + inner.Mangled);
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                reason = "native integers are not supported";
                return null;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            var enumSerializer = AnalyzeNamed(named, out reason);
            return enumSerializer is null
                ? null
                : new TypeModel(JsonTypeKind.Enum, Names.Full(named), PrimitiveKind.None, null, enumSerializer, true, false, StripSuffix(enumSerializer));
        }

        if (named.Arity > 0)
        {
            return AnalyzeGeneric(named, allowsNull, out reason);
        }

        switch (named.TypeKind)
        {
            case TypeKind.Class:
            case TypeKind.Struct:
                var serializer = AnalyzeNamed(named, out reason);
                return serializer is null
                    ? null
                    : new TypeModel(JsonTypeKind.Object, Names.FullNoTopAnnotation(named), PrimitiveKind.None, null, serializer, named.IsValueType, allowsNull, StripSuffix(serializer));
            case TypeKind.Interface:
                reason = $"'{named.ToDisplayString(Names.Readable)}' is an interface (only collection interfaces are supported: the type to create is unknown when reading)";
                return null;
            case TypeKind.Delegate:
                reason = $"'{named.ToDisplayString(Names.Readable)}' is a delegate";
                return null;
            default:
                reason = $"'{named.ToDisplayString(Names.Readable)}' is not a type RxStreams can serialize";
                return null;
        }
    }

    private TypeModel? AnalyzeGeneric(INamedTypeSymbol named, bool allowsNull, out string? reason)
    {
        reason = null;
        var definition = named.OriginalDefinition;
        JsonTypeKind kind;
        string generic;
        if (KnownTypes.Is(definition, _known.List))
        {
            kind = JsonTypeKind.List;
            generic = "List";
        }
        else if (KnownTypes.Is(definition, _known.IList) || KnownTypes.Is(definition, _known.IReadOnlyList))
        {
            kind = JsonTypeKind.ListInterface;
            generic = definition.Name;
        }
        else if (KnownTypes.Is(definition, _known.ICollection) || KnownTypes.Is(definition, _known.IReadOnlyCollection) || KnownTypes.Is(definition, _known.IEnumerable))
        {
            kind = JsonTypeKind.EnumerableInterface;
            generic = definition.Name;
        }
        else if (KnownTypes.Is(definition, _known.Dictionary))
        {
            kind = JsonTypeKind.Dictionary;
            generic = "Dictionary";
        }
        else if (KnownTypes.Is(definition, _known.IDictionary) || KnownTypes.Is(definition, _known.IReadOnlyDictionary))
        {
            kind = JsonTypeKind.DictionaryInterface;
            generic = definition.Name;
        }
        else
        {
            reason = KnownTypes.Is(definition, _known.StreamItem)
                ? "StreamItem<T> is only supported as the item type of a handler's IObservable result"
                : $"'{named.ToDisplayString(Names.Readable)}' is generic; generic message types are not supported (the generic types RxStreams serializes are List<T>, IList<T>, IReadOnlyList<T>, ICollection<T>, IReadOnlyCollection<T>, IEnumerable<T>, Nullable<T> and (I)(ReadOnly)Dictionary<string, T>)";
            return null;
        }

        var isDictionary = kind is JsonTypeKind.Dictionary or JsonTypeKind.DictionaryInterface;
        if (isDictionary && named.TypeArguments[0].SpecialType != SpecialType.System_String)
        {
            reason = $"'{named.ToDisplayString(Names.Readable)}' has keys of type '{named.TypeArguments[0].ToDisplayString(Names.Readable)}'; dictionary keys must be strings";
            return null;
        }

        var elementType = named.TypeArguments[isDictionary ? 1 : 0];
        var element = Analyze(elementType, out var elementReason);
        if (element is null)
        {
            reason = isDictionary ? $"its values: {elementReason}" : $"its elements: {elementReason}";
            return null;
        }
        var name = isDictionary
            ? $"global::System.Collections.Generic.{generic}<string, {element.DeclaredName}>"
            : $"global::System.Collections.Generic.{generic}<{element.DeclaredName}>";
        return new TypeModel(kind, name, PrimitiveKind.None, element, null, false, allowsNull, generic + "Of" + element.Mangled);
    }

    private PrimitiveKind PrimitiveOf(INamedTypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_Boolean: return PrimitiveKind.Boolean;
            case SpecialType.System_Byte: return PrimitiveKind.Byte;
            case SpecialType.System_SByte: return PrimitiveKind.SByte;
            case SpecialType.System_Int16: return PrimitiveKind.Int16;
            case SpecialType.System_UInt16: return PrimitiveKind.UInt16;
            case SpecialType.System_Int32: return PrimitiveKind.Int32;
            case SpecialType.System_UInt32: return PrimitiveKind.UInt32;
            case SpecialType.System_Int64: return PrimitiveKind.Int64;
            case SpecialType.System_UInt64: return PrimitiveKind.UInt64;
            case SpecialType.System_Single: return PrimitiveKind.Single;
            case SpecialType.System_Double: return PrimitiveKind.Double;
            case SpecialType.System_Decimal: return PrimitiveKind.Decimal;
            case SpecialType.System_Char: return PrimitiveKind.Char;
            case SpecialType.System_String: return PrimitiveKind.String;
            case SpecialType.System_DateTime: return PrimitiveKind.DateTime;
        }
        return KnownTypes.Is(type, _known.Guid) ? PrimitiveKind.Guid
            : KnownTypes.Is(type, _known.DateTimeOffset) ? PrimitiveKind.DateTimeOffset
            : KnownTypes.Is(type, _known.TimeSpan) ? PrimitiveKind.TimeSpan
            : KnownTypes.Is(type, _known.DateOnly) ? PrimitiveKind.DateOnly
            : KnownTypes.Is(type, _known.TimeOnly) ? PrimitiveKind.TimeOnly
            : KnownTypes.Is(type, _known.JsonElement) ? PrimitiveKind.JsonElement
            : PrimitiveKind.None;
    }

    /// <summary>The serializer class name of a record, class, struct or enum, analyzing it on first use; null (with a reason) when unsupported.</summary>
    private string? AnalyzeNamed(INamedTypeSymbol type, out string? reason)
    {
        reason = null;
        var serializerName = SerializerNameOf(type);
        if (_named.ContainsKey(serializerName))
        {
            return serializerName;
        }
        if (_namedFailures.TryGetValue(serializerName, out reason))
        {
            return null;
        }

        reason = CheckNamed(type);
        if (reason is not null)
        {
            _namedFailures[serializerName] = reason;
            return null;
        }

        _named[serializerName] = null; // in progress: a member of its own type refers to it by name
        var model = type.TypeKind == TypeKind.Enum ? AnalyzeEnum(type, serializerName) : AnalyzeObject(type, serializerName, out reason);
        if (model is null)
        {
            _named.Remove(serializerName);
            _namedFailures[serializerName] = reason;
            return null;
        }
        _named[serializerName] = model;
        _namedOrder.Add(model);
        return serializerName;
    }

    public static string SerializerNameOf(INamedTypeSymbol type)
        => Names.Sanitize(type.OriginalDefinition.ToDisplayString(Names.QualifiedName)) + "Serializer";

    private static string StripSuffix(string serializerName) => serializerName.Substring(0, serializerName.Length - "Serializer".Length);

    private string? CheckNamed(INamedTypeSymbol type)
    {
        var name = type.ToDisplayString(Names.Readable);
        // The type itself is not generic: Analyze sent those to AnalyzeGeneric.
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            if (t.Arity > 0)
            {
                return $"'{name}' is nested in the generic type '{t.ToDisplayString(Names.Readable)}'";
            }
        }
        if (type.IsFileLocal)
        {
            return $"'{name}' is file-local, so generated code cannot use it";
        }
        if (!_known.Compilation.IsSymbolAccessibleWithin(type, _assembly))
        {
            return $"'{name}' is not accessible from this assembly";
        }
        if (type.TypeKind == TypeKind.Enum)
        {
            return null;
        }
        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal))
        {
            return $"'{name}' is a framework type RxStreams does not serialize";
        }
        if (type.IsStatic)
        {
            return $"'{name}' is static";
        }
        if (type.IsAbstract)
        {
            return $"'{name}' is abstract, so it cannot be created when reading";
        }
        if (type.IsRefLikeType)
        {
            return $"'{name}' is a ref struct";
        }
        return null;
    }

    private NamedTypeModel AnalyzeEnum(INamedTypeSymbol type, string serializerName)
    {
        var members = new List<EnumMemberModel>();
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in type.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.HasConstantValue || !field.IsStatic)
            {
                continue;
            }
            var value = Literals.Primitive(field.ConstantValue);
            if (value is null)
            {
                continue;
            }
            var isAlias = !values.Add(value); // the first name of a value is the one written
            var jsonName = SerializableMembers.FirstStringArgument(KnownTypes.GetAttribute(field, _known.JsonStringEnumMemberNameAttribute)) is { } custom
                ? custom
                : Names.CamelCase(field.Name);
            members.Add(new EnumMemberModel(Names.Identifier(field.Name), jsonName, value, isAlias));
        }
        return new NamedTypeModel(
            serializerName,
            Names.Full(type),
            type.ToDisplayString(Names.TypeOnly),
            IsEnum: true,
            IsValueType: true,
            EquatableArray<PropertyModel>.Empty,
            EquatableArray<ConstructorParameterModel>.Empty,
            type.EnumUnderlyingType?.ToDisplayString() ?? "int",
            KnownTypes.HasAttribute(type, _known.FlagsAttribute),
            members.ToEquatableArray());
    }

    private NamedTypeModel? AnalyzeObject(INamedTypeSymbol type, string serializerName, out string? reason)
    {
        reason = null;
        var typeName = type.ToDisplayString(Names.Readable);

        var constructor = _members.ChooseConstructor(type, out reason);
        if (constructor is null)
        {
            return null;
        }
        // Checked before any member type is analyzed: once members refer to this type by name, it must not fail.
        foreach (var parameter in constructor.Parameters)
        {
            if (parameter.RefKind is not (RefKind.None or RefKind.In))
            {
                reason = $"the parameter '{parameter.Name}' of its constructor is passed by reference";
                return null;
            }
        }
        var setsRequiredMembers = KnownTypes.HasAttribute(constructor, _known.SetsRequiredMembersAttribute);
        var hasUnsafeAccessor = _known.UnsafeAccessorAttribute is not null;

        var properties = _members.Properties(type);

        var models = new List<PropertyModel>();
        var jsonNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var byName = new Dictionary<string, PropertyModel>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in properties)
        {
            var getter = property.GetMethod is { DeclaredAccessibility: Accessibility.Public } g && _known.Compilation.IsSymbolAccessibleWithin(g, _assembly);
            var setter = property.SetMethod is { DeclaredAccessibility: Accessibility.Public } s && _known.Compilation.IsSymbolAccessibleWithin(s, _assembly);
            if (!getter && !setter)
            {
                continue;
            }
            var jsonName = _members.JsonNameOf(property);
            var propertyType = Analyze(property.Type, out var memberReason);
            if (propertyType is null)
            {
                Report(type, property, $"its member '{property.Name}' has type '{property.Type.ToDisplayString(Names.Readable)}': {memberReason}");
                continue;
            }
            if (jsonNames.TryGetValue(jsonName, out var other))
            {
                Report(type, property, $"its members '{other}' and '{property.Name}' have the same JSON name '{jsonName}'");
                continue;
            }
            jsonNames[jsonName] = property.Name;

            var readKind = PropertyReadKind.None;
            if (setter)
            {
                var required = property.IsRequired && !setsRequiredMembers;
                readKind = property.SetMethod!.IsInitOnly
                    ? (required || !hasUnsafeAccessor ? PropertyReadKind.Initializer : PropertyReadKind.Init)
                    : (required ? PropertyReadKind.Initializer : PropertyReadKind.Setter);
            }
            var model = new PropertyModel(Names.Identifier(property.Name), jsonName, propertyType, getter, readKind, Names.Full(property.ContainingType));
            models.Add(model);
            byName[property.Name] = model;
        }

        // Constructor parameters bind to the property of the same name (case-insensitive), as System.Text.Json does.
        var parameters = new List<ConstructorParameterModel>();
        foreach (var parameter in constructor.Parameters)
        {
            var defaultValue = parameter.HasExplicitDefaultValue ? Literals.FromValue(parameter.ExplicitDefaultValue, parameter.Type) : null;
            var parameterType = Analyze(parameter.Type, out var parameterReason);
            if (parameterType is null)
            {
                if (!byName.ContainsKey(parameter.Name))
                {
                    Report(type, parameter, $"its constructor parameter '{parameter.Name}' has type '{parameter.Type.ToDisplayString(Names.Readable)}': {parameterReason}");
                }
                parameters.Add(new ConstructorParameterModel(Names.Identifier(parameter.Name), "", Unsupported(parameter.Type), defaultValue));
                continue;
            }
            string jsonName;
            if (byName.TryGetValue(parameter.Name, out var property))
            {
                jsonName = property.JsonName;
                var index = models.IndexOf(property);
                models[index] = property with { ReadKind = PropertyReadKind.Constructor };
                byName[parameter.Name] = models[index];
            }
            else
            {
                jsonName = Names.CamelCase(parameter.Name);
                if (jsonNames.TryGetValue(jsonName, out var other))
                {
                    Report(type, parameter, $"its constructor parameter '{parameter.Name}' and member '{other}' have the same JSON name '{jsonName}'");
                    parameters.Add(new ConstructorParameterModel(Names.Identifier(parameter.Name), "", parameterType, defaultValue));
                    continue;
                }
                jsonNames[jsonName] = parameter.Name;
            }
            parameters.Add(new ConstructorParameterModel(Names.Identifier(parameter.Name), jsonName, parameterType, defaultValue));
        }

        return new NamedTypeModel(
            serializerName,
            Names.FullNoTopAnnotation(type),
            type.ToDisplayString(Names.TypeOnly),
            IsEnum: false,
            type.IsValueType,
            models.ToEquatableArray(),
            parameters.ToEquatableArray(),
            "",
            false,
            EquatableArray<EnumMemberModel>.Empty);
    }

    private static TypeModel Unsupported(ITypeSymbol type)
        => new(JsonTypeKind.Primitive, Names.FullNoTopAnnotation(type), PrimitiveKind.None, null, null, type.IsValueType, true, "Unsupported");

    private void Report(INamedTypeSymbol type, ISymbol member, string reason)
    {
        var location = KnownTypes.SourceLocation(member) ?? _usage;
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotSerializable, location, type.ToDisplayString(Names.Readable), reason));
    }
}
