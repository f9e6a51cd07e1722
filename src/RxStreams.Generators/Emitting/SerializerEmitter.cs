using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using RxStreams.Generators.Helpers;
using RxStreams.Generators.Model;

namespace RxStreams.Generators.Emitting;

/// <summary>
/// Emits one serializer class per file: direct Utf8JsonWriter/Utf8JsonReader code, property names pre-encoded in
/// static JsonEncodedText fields and matched with ValueTextEquals (then case-insensitively), unknown members skipped,
/// missing ones defaulted.
/// </summary>
internal static class SerializerEmitter
{
    private const string Writer = "global::System.Text.Json.Utf8JsonWriter";
    private const string Reader = "global::System.Text.Json.Utf8JsonReader";
    private const string Token = "global::System.Text.Json.JsonTokenType";
    private const string Json = "global::RxStreams.Serialization.StreamJson";

    public static void Emit(SourceProductionContext context, SerializerModel model)
        => context.AddSource($"RxStreams.Serializers.{model.ClassName}.g.cs", Generate(model));

    public static string Generate(SerializerModel model)
    {
        var writer = new SourceWriter();
        EmitterHelpers.WriteHeader(writer);
        writer.WriteLine("namespace RxStreams.Generated");
        writer.OpenBlock();
        writer.WriteLine($"public static partial class {model.ContainerClass}");
        writer.OpenBlock();
        writer.WriteLine($"/// <summary>Reads and writes <c>{Names.XmlEscape(model.TypeName)}</c> as JSON.</summary>");
        writer.WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        writer.WriteLine($"internal sealed class {model.ClassName} : global::RxStreams.Serialization.IStreamSerializer<{model.TypeName}>");
        writer.OpenBlock();
        writer.WriteLine("/// <summary>The instance registered with StreamSerializer.</summary>");
        writer.WriteLine($"public static readonly {model.ClassName} Instance = new {model.ClassName}();");
        writer.WriteLine();

        var body = new Body(writer);
        if (model.Named is { IsEnum: true } enumModel)
        {
            WriteNames(writer, enumModel.EnumMembers.Where(m => !m.IsAlias).Select(m => m.JsonName));
            WriteInterface(writer, model.TypeName);
            WriteEnum(writer, enumModel);
        }
        else if (model.Named is { } objectModel)
        {
            var readSlots = ReadSlots(objectModel);
            WriteNames(writer, objectModel.Properties.Where(p => p.IsWritten).Select(p => p.JsonName).Concat(readSlots.Select(s => s.JsonName)));
            WriteInterface(writer, model.TypeName);
            WriteObjectWrite(body, objectModel);
            writer.WriteLine();
            WriteObjectRead(body, objectModel, readSlots);
        }
        else
        {
            WriteInterface(writer, model.TypeName);
            var root = model.Root!;
            writer.WriteLine($"/// <summary>Writes <paramref name=\"value\"/>.</summary>");
            writer.WriteLine($"public static void WriteValue({Writer} writer, {model.TypeName} value)");
            writer.OpenBlock();
            body.WriteValue(root, "value");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <summary>Reads a value; the reader is on its first token and is left on its last.</summary>");
            writer.WriteLine($"public static {model.TypeName} ReadValue(ref {Reader} reader)");
            writer.OpenBlock();
            writer.WriteLine($"{root.DeclaredName} result = {DefaultOf(root)};");
            body.ReadInto(root, "result", model.TypeName, "value");
            writer.WriteLine("return result!;");
            writer.CloseBlock();
        }

        writer.CloseBlock();
        writer.CloseBlock();
        writer.CloseBlock();
        return writer.ToString();
    }

    private static void WriteInterface(SourceWriter writer, string typeName)
    {
        writer.WriteLine("/// <inheritdoc />");
        writer.WriteLine($"public void Write({Writer} writer, {typeName} value) => WriteValue(writer, value);");
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc />");
        writer.WriteLine($"public {typeName} Read(ref {Reader} reader) => ReadValue(ref reader);");
        writer.WriteLine();
    }

    // ---- names ----

    private static string NameField(string jsonName) => "s_" + Names.Sanitize(jsonName);

    private static string NameUtf8Field(string jsonName) => "s_" + Names.Sanitize(jsonName) + "Utf8";

    /// <summary>The bytes to compare a property name with: the pre-encoded text, or (when encoding escapes it) the raw UTF-8.</summary>
    private static string NameBytes(string jsonName)
        => Names.IsJsonSafeAscii(jsonName) ? NameField(jsonName) + ".EncodedUtf8Bytes" : NameUtf8Field(jsonName);

    private static void WriteNames(SourceWriter writer, IEnumerable<string> jsonNames)
    {
        var any = false;
        foreach (var name in jsonNames.Distinct())
        {
            writer.WriteLine($"private static readonly global::System.Text.Json.JsonEncodedText {NameField(name)} = global::System.Text.Json.JsonEncodedText.Encode({Names.Literal(name)});");
            if (!Names.IsJsonSafeAscii(name))
            {
                writer.WriteLine($"private static readonly byte[] {NameUtf8Field(name)} = global::System.Text.Encoding.UTF8.GetBytes({Names.Literal(name)});");
            }
            any = true;
        }
        if (any)
        {
            writer.WriteLine();
        }
    }

    // ---- enums ----

    private static void WriteEnum(SourceWriter writer, NamedTypeModel model)
    {
        var type = model.TypeName;
        var unsigned = model.EnumUnderlyingType is "byte" or "ushort" or "uint" or "ulong";
        writer.WriteLine("/// <summary>Writes the member's camelCase name (a number for a value without a name).</summary>");
        writer.WriteLine($"public static void WriteValue({Writer} writer, {type} value)");
        writer.OpenBlock();
        if (model.EnumMembers.Count > 0)
        {
            writer.WriteLine("switch (value)");
            writer.OpenBlock();
            foreach (var member in model.EnumMembers.Where(m => !m.IsAlias))
            {
                writer.WriteLine($"case {type}.{member.Name}:");
                writer.Indent();
                writer.WriteLine($"writer.WriteStringValue({NameField(member.JsonName)});");
                writer.WriteLine("return;");
                writer.Unindent();
            }
            writer.CloseBlock();
        }
        writer.WriteLine(unsigned ? "writer.WriteNumberValue((ulong)value);" : "writer.WriteNumberValue((long)value);");
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine("/// <summary>Reads a member name (in any case) or a number.</summary>");
        writer.WriteLine($"public static {type} ReadValue(ref {Reader} reader)");
        writer.OpenBlock();
        writer.WriteLine($"if (reader.TokenType == {Token}.Number)");
        writer.OpenBlock();
        writer.WriteLine(unsigned ? $"return ({type})reader.GetUInt64();" : $"return ({type})reader.GetInt64();");
        writer.CloseBlock();
        writer.WriteLine($"if (reader.TokenType != {Token}.String)");
        writer.OpenBlock();
        writer.WriteLine($"{Json}.ThrowUnexpectedToken(ref reader, {Names.Literal(model.DisplayName)}, \"string\");");
        writer.CloseBlock();
        foreach (var member in model.EnumMembers.Where(m => !m.IsAlias))
        {
            writer.WriteLine($"if (reader.ValueTextEquals({NameBytes(member.JsonName)}))");
            writer.OpenBlock();
            writer.WriteLine($"return {type}.{member.Name};");
            writer.CloseBlock();
        }
        writer.WriteLine("return Parse(reader.GetString()!);");
        writer.CloseBlock();
        writer.WriteLine();

        writer.WriteLine($"private static {type} Parse(string text)");
        writer.OpenBlock();
        if (model.IsFlags)
        {
            writer.WriteLine("// [Flags]: names separated by commas.");
            writer.WriteLine($"{type} result = default;");
            writer.WriteLine("foreach (var part in text.Split(','))");
            writer.OpenBlock();
            writer.WriteLine("result |= ParseOne(part.Trim(), text);");
            writer.CloseBlock();
            writer.WriteLine("return result;");
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine($"private static {type} ParseOne(string name, string text)");
            writer.OpenBlock();
        }
        else
        {
            writer.WriteLine("var name = text.Trim();");
        }
        foreach (var member in model.EnumMembers)
        {
            writer.WriteLine($"if (string.Equals(name, {Names.Literal(member.JsonName)}, global::System.StringComparison.OrdinalIgnoreCase) || string.Equals(name, {Names.Literal(member.Name.TrimStart('@'))}, global::System.StringComparison.OrdinalIgnoreCase))");
            writer.OpenBlock();
            writer.WriteLine($"return {type}.{member.Name};");
            writer.CloseBlock();
        }
        writer.WriteLine(unsigned
            ? "if (ulong.TryParse(name, global::System.Globalization.NumberStyles.None, global::System.Globalization.CultureInfo.InvariantCulture, out var number))"
            : "if (long.TryParse(name, global::System.Globalization.NumberStyles.AllowLeadingSign, global::System.Globalization.CultureInfo.InvariantCulture, out var number))");
        writer.OpenBlock();
        writer.WriteLine($"return ({type})number;");
        writer.CloseBlock();
        writer.WriteLine($"throw new global::System.Text.Json.JsonException(\"'\" + text + {Names.Literal("' is not a value of " + model.DisplayName + ".")});");
        writer.CloseBlock();
    }

    // ---- objects ----

    /// <summary>A value the reader fills: a constructor parameter or a settable property.</summary>
    private sealed record ReadSlot(string JsonName, TypeModel Type, string Local, string? DefaultValue, PropertyModel? Property);

    private static List<ReadSlot> ReadSlots(NamedTypeModel model)
    {
        var slots = new List<ReadSlot>();
        var n = 0;
        foreach (var parameter in model.ConstructorParameters.Where(p => p.JsonName.Length > 0))
        {
            slots.Add(new ReadSlot(parameter.JsonName, parameter.Type, "p" + (n++).ToString(CultureInfo.InvariantCulture), parameter.DefaultValue, null));
        }
        foreach (var property in model.Properties.Where(p => p.ReadKind is PropertyReadKind.Setter or PropertyReadKind.Init or PropertyReadKind.Initializer))
        {
            slots.Add(new ReadSlot(property.JsonName, property.Type, "p" + (n++).ToString(CultureInfo.InvariantCulture), null, property));
        }
        return slots;
    }

    private static void WriteObjectWrite(Body body, NamedTypeModel model)
    {
        var writer = body.Writer;
        writer.WriteLine("/// <summary>Writes <paramref name=\"value\"/> as a JSON object (null as null).</summary>");
        writer.WriteLine($"public static void WriteValue({Writer} writer, {model.TypeName}{(model.IsValueType ? "" : "?")} value)");
        writer.OpenBlock();
        if (!model.IsValueType)
        {
            writer.WriteLine("if (value is null)");
            writer.OpenBlock();
            writer.WriteLine("writer.WriteNullValue();");
            writer.WriteLine("return;");
            writer.CloseBlock();
        }
        writer.WriteLine("writer.WriteStartObject();");
        foreach (var property in model.Properties.Where(p => p.IsWritten))
        {
            body.WriteMember(property.Type, "value." + property.Name, NameField(property.JsonName));
        }
        writer.WriteLine("writer.WriteEndObject();");
        writer.CloseBlock();
    }

    private static void WriteObjectRead(Body body, NamedTypeModel model, List<ReadSlot> slots)
    {
        var writer = body.Writer;
        var display = Names.Literal(model.DisplayName);
        writer.WriteLine("/// <summary>Reads a JSON object; the reader is on its first token and is left on its last. Unknown members are skipped, missing ones defaulted.</summary>");
        writer.WriteLine($"public static {model.TypeName} ReadValue(ref {Reader} reader)");
        writer.OpenBlock();
        if (!model.IsValueType)
        {
            writer.WriteLine($"if (reader.TokenType == {Token}.Null)");
            writer.OpenBlock();
            writer.WriteLine("return null!;");
            writer.CloseBlock();
        }
        writer.WriteLine($"if (reader.TokenType != {Token}.StartObject)");
        writer.OpenBlock();
        writer.WriteLine($"{Json}.ThrowUnexpectedToken(ref reader, {display}, \"object\");");
        writer.CloseBlock();

        foreach (var slot in slots)
        {
            writer.WriteLine($"{slot.Type.DeclaredName} {slot.Local} = {slot.DefaultValue ?? DefaultOf(slot.Type)};");
            if (slot.Property is { ReadKind: PropertyReadKind.Setter or PropertyReadKind.Init })
            {
                writer.WriteLine($"var has{slot.Local} = false;");
            }
        }

        if (slots.Count == 0)
        {
            writer.WriteLine("reader.Skip();");
        }
        else
        {
            writer.WriteLine("while (true)");
            writer.OpenBlock();
            writer.WriteLine($"{Json}.Next(ref reader);");
            writer.WriteLine($"if (reader.TokenType == {Token}.EndObject)");
            writer.OpenBlock();
            writer.WriteLine("break;");
            writer.CloseBlock();
            writer.WriteLine("var member = MatchMember(ref reader);");
            writer.WriteLine($"{Json}.Next(ref reader);");
            writer.WriteLine("switch (member)");
            writer.OpenBlock();
            for (var i = 0; i < slots.Count; i++)
            {
                var slot = slots[i];
                writer.WriteLine($"case {i.ToString(CultureInfo.InvariantCulture)}:");
                writer.Indent();
                body.ReadInto(slot.Type, slot.Local, model.DisplayName, slot.JsonName);
                if (slot.Property is { ReadKind: PropertyReadKind.Setter or PropertyReadKind.Init })
                {
                    writer.WriteLine($"has{slot.Local} = true;");
                }
                writer.WriteLine("break;");
                writer.Unindent();
            }
            writer.WriteLine("default:");
            writer.Indent();
            writer.WriteLine("reader.Skip();");
            writer.WriteLine("break;");
            writer.Unindent();
            writer.CloseBlock();
            writer.CloseBlock();
        }

        // Construct: constructor arguments, then required (and, without UnsafeAccessor, init-only) members in the initializer.
        var ctorArguments = new List<string>();
        var n = 0;
        foreach (var parameter in model.ConstructorParameters)
        {
            ctorArguments.Add(parameter.JsonName.Length > 0 ? slots[n++].Local : "default!");
        }
        var initializers = slots.Where(s => s.Property is { ReadKind: PropertyReadKind.Initializer }).ToList();
        var creation = $"new {model.TypeName}({string.Join(", ", ctorArguments)})";
        if (initializers.Count == 0)
        {
            writer.WriteLine($"var result = {creation};");
        }
        else
        {
            writer.WriteLine($"var result = {creation}");
            writer.OpenBlock();
            foreach (var slot in initializers)
            {
                writer.WriteLine($"{slot.Property!.Name} = {slot.Local},");
            }
            writer.CloseBlock(";");
        }
        foreach (var slot in slots.Where(s => s.Property is { ReadKind: PropertyReadKind.Setter }))
        {
            writer.WriteLine($"if (has{slot.Local})");
            writer.OpenBlock();
            writer.WriteLine($"result.{slot.Property!.Name} = {slot.Local};");
            writer.CloseBlock();
        }
        foreach (var slot in slots.Where(s => s.Property is { ReadKind: PropertyReadKind.Init }))
        {
            writer.WriteLine($"if (has{slot.Local})");
            writer.OpenBlock();
            writer.WriteLine($"{InitAccessor(slot.Property!)}({(model.IsValueType ? "ref " : "")}result, {slot.Local});");
            writer.CloseBlock();
        }
        writer.WriteLine("return result;");
        writer.CloseBlock();

        if (slots.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"private static readonly string[] MemberNames = new string[] {{ {string.Join(", ", slots.Select(s => Names.Literal(s.JsonName)))} }};");
            writer.WriteLine();
            writer.WriteLine($"private static int MatchMember(ref {Reader} reader)");
            writer.OpenBlock();
            for (var i = 0; i < slots.Count; i++)
            {
                writer.WriteLine($"if (reader.ValueTextEquals({NameBytes(slots[i].JsonName)}))");
                writer.OpenBlock();
                writer.WriteLine($"return {i.ToString(CultureInfo.InvariantCulture)};");
                writer.CloseBlock();
            }
            writer.WriteLine("return global::RxStreams.Serialization.StreamJson.MatchNameIgnoringCase(ref reader, MemberNames);");
            writer.CloseBlock();
        }

        foreach (var slot in slots.Where(s => s.Property is { ReadKind: PropertyReadKind.Init }))
        {
            var property = slot.Property!;
            writer.WriteLine();
            writer.WriteLine($"[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.Method, Name = {Names.Literal("set_" + property.Name.TrimStart('@'))})]");
            writer.WriteLine($"private static extern void {InitAccessor(property)}({(model.IsValueType ? "ref " : "")}{property.DeclaringType} target, {property.Type.DeclaredName} value);");
        }
    }

    /// <summary>The initial value of a local of <see cref="TypeModel.DeclaredName"/>: <c>default!</c> only where the type is not nullable.</summary>
    private static string DefaultOf(TypeModel type) => type.IsValueType || type.AllowsNull ? "default" : "default!";

    private static string InitAccessor(PropertyModel property) => "Init" + property.Name.TrimStart('@');

    /// <summary>Writes the statements that write and read values, with fresh local names at each nesting level.</summary>
    private sealed class Body(SourceWriter writer)
    {
        private int _locals;

        public SourceWriter Writer { get; } = writer;

        private string Local(string prefix) => prefix + (_locals++).ToString(CultureInfo.InvariantCulture);

        /// <summary>Writes a property: its name, then its value (one call for the primitives the writer knows).</summary>
        public void WriteMember(TypeModel type, string expression, string nameField)
        {
            if (type.Kind == JsonTypeKind.Primitive && DirectWrite(type.Primitive) is { } direct)
            {
                Writer.WriteLine($"writer.{direct.Method}({nameField}, {direct.Cast}{expression});");
                return;
            }
            if (type.Kind == JsonTypeKind.Nullable && type.Element!.Kind == JsonTypeKind.Primitive)
            {
                WriteNullOr(type, expression, $"writer.WriteNull({nameField});", value => WriteMember(type.Element, value, nameField));
                return;
            }
            Writer.WriteLine($"writer.WritePropertyName({nameField});");
            WriteValue(type, expression);
        }

        /// <summary>Writes a value (no property name).</summary>
        public void WriteValue(TypeModel type, string expression)
        {
            switch (type.Kind)
            {
                case JsonTypeKind.Primitive:
                    WritePrimitive(type, expression);
                    return;
                case JsonTypeKind.Enum:
                case JsonTypeKind.Object:
                    Writer.WriteLine($"{type.SerializerName}.WriteValue(writer, {expression});");
                    return;
                case JsonTypeKind.Nullable:
                    WriteNullOr(type, expression, "writer.WriteNullValue();", value => WriteValue(type.Element!, value));
                    return;
                default:
                    WriteNullOr(type, expression, "writer.WriteNullValue();", value => WriteCollection(type, value));
                    return;
            }
        }

        /// <summary>Writes a collection as an array, a dictionary as an object.</summary>
        private void WriteCollection(TypeModel type, string value)
        {
            var element = type.Element!;
            switch (type.Kind)
            {
                case JsonTypeKind.Array:
                case JsonTypeKind.List:
                case JsonTypeKind.EnumerableInterface:
                {
                    var item = Local("item");
                    Writer.WriteLine("writer.WriteStartArray();");
                    Writer.WriteLine($"foreach (var {item} in {value})");
                    Writer.OpenBlock();
                    WriteValue(element, item);
                    Writer.CloseBlock();
                    Writer.WriteLine("writer.WriteEndArray();");
                    return;
                }
                case JsonTypeKind.ListInterface:
                {
                    var index = Local("i");
                    Writer.WriteLine("writer.WriteStartArray();");
                    Writer.WriteLine($"for (var {index} = 0; {index} < {value}.Count; {index}++)");
                    Writer.OpenBlock();
                    WriteValue(element, $"{value}[{index}]");
                    Writer.CloseBlock();
                    Writer.WriteLine("writer.WriteEndArray();");
                    return;
                }
                default:
                {
                    var pair = Local("pair");
                    Writer.WriteLine("writer.WriteStartObject();");
                    Writer.WriteLine($"foreach (var {pair} in {value})");
                    Writer.OpenBlock();
                    Writer.WriteLine($"writer.WritePropertyName({pair}.Key);");
                    WriteValue(element, pair + ".Value");
                    Writer.CloseBlock();
                    Writer.WriteLine("writer.WriteEndObject();");
                    return;
                }
            }
        }

        private void WritePrimitive(TypeModel type, string expression)
        {
            if (DirectWrite(type.Primitive) is { } direct)
            {
                Writer.WriteLine($"writer.{direct.Method}Value({direct.Cast}{expression});");
                return;
            }
            switch (type.Primitive)
            {
                case PrimitiveKind.Char:
                    Writer.WriteLine($"{Json}.WriteChar(writer, {expression});");
                    break;
                case PrimitiveKind.TimeSpan:
                    Writer.WriteLine($"{Json}.WriteTimeSpan(writer, {expression});");
                    break;
                case PrimitiveKind.DateOnly:
                    Writer.WriteLine($"{Json}.WriteDateOnly(writer, {expression});");
                    break;
                case PrimitiveKind.TimeOnly:
                    Writer.WriteLine($"{Json}.WriteTimeOnly(writer, {expression});");
                    break;
                case PrimitiveKind.JsonElement:
                    Writer.WriteLine($"{Json}.WriteElement(writer, {expression});");
                    break;
                case PrimitiveKind.ByteArray:
                    WriteNullOr(type, expression, "writer.WriteNullValue();", value => Writer.WriteLine($"writer.WriteBase64StringValue({value});"));
                    break;
            }
        }

        /// <summary>
        /// The Utf8JsonWriter method that writes a primitive in one call (<c>WriteNumber(name, v)</c> for a property,
        /// <c>WriteNumberValue(v)</c> for a value) and the cast its argument needs; null for the other primitives.
        /// </summary>
        private static (string Method, string Cast)? DirectWrite(PrimitiveKind kind) => kind switch
        {
            PrimitiveKind.Boolean => ("WriteBoolean", ""),
            PrimitiveKind.Byte or PrimitiveKind.SByte or PrimitiveKind.Int16 or PrimitiveKind.UInt16 => ("WriteNumber", "(int)"),
            PrimitiveKind.Int32 or PrimitiveKind.UInt32 or PrimitiveKind.Int64 or PrimitiveKind.UInt64
                or PrimitiveKind.Single or PrimitiveKind.Double or PrimitiveKind.Decimal => ("WriteNumber", ""),
            PrimitiveKind.String or PrimitiveKind.Guid or PrimitiveKind.DateTime or PrimitiveKind.DateTimeOffset => ("WriteString", ""),
            _ => null,
        };

        /// <summary>
        /// Writes <c>var vN = expression;</c>, then <paramref name="writeNull"/> when it is null and
        /// <paramref name="writeValue"/> of it (of its value, for a Nullable&lt;T&gt;) otherwise.
        /// </summary>
        private void WriteNullOr(TypeModel type, string expression, string writeNull, Action<string> writeValue)
        {
            var local = Local("v");
            Writer.WriteLine($"var {local} = {expression};");
            Writer.WriteLine($"if ({local} is null)");
            Writer.OpenBlock();
            Writer.WriteLine(writeNull);
            Writer.CloseBlock();
            Writer.WriteLine("else");
            Writer.OpenBlock();
            writeValue(type.Kind == JsonTypeKind.Nullable ? local + ".GetValueOrDefault()" : local);
            Writer.CloseBlock();
        }

        /// <summary>Reads the value the reader is on into <paramref name="target"/> (null handled by the type's nullability).</summary>
        public void ReadInto(TypeModel type, string target, string owner, string path)
        {
            if (type.Kind == JsonTypeKind.Primitive && type.Primitive == PrimitiveKind.JsonElement)
            {
                Writer.WriteLine($"{target} = global::System.Text.Json.JsonElement.ParseValue(ref reader);");
                return;
            }
            // Targets are declared with DeclaredName, so a type that allows null has a nullable local.
            Writer.WriteLine($"if (reader.TokenType == {Token}.Null)");
            Writer.OpenBlock();
            Writer.WriteLine(type.AllowsNull ? $"{target} = null;" : $"{Json}.ThrowNull({Names.Literal(owner)}, {Names.Literal(path)});");
            Writer.CloseBlock();
            if (!type.AllowsNull)
            {
                ReadNotNull(type, target, owner, path);
                return;
            }
            Writer.WriteLine("else");
            Writer.OpenBlock();
            ReadNotNull(type, target, owner, path);
            Writer.CloseBlock();
        }

        private void ReadNotNull(TypeModel type, string target, string owner, string path)
        {
            switch (type.Kind)
            {
                case JsonTypeKind.Primitive:
                    Writer.WriteLine($"{target} = {ReadPrimitive(type.Primitive)};");
                    return;
                case JsonTypeKind.Enum:
                case JsonTypeKind.Object:
                    Writer.WriteLine($"{target} = {type.SerializerName}.ReadValue(ref reader);");
                    return;
                case JsonTypeKind.Nullable:
                    ReadNotNull(type.Element!, target, owner, path);
                    return;
                case JsonTypeKind.Dictionary:
                case JsonTypeKind.DictionaryInterface:
                {
                    var element = type.Element!;
                    var dictionary = Local("dictionary");
                    var key = Local("key");
                    var item = Local("item");
                    Writer.WriteLine($"if (reader.TokenType != {Token}.StartObject)");
                    Writer.OpenBlock();
                    Writer.WriteLine($"{Json}.ThrowUnexpectedToken(ref reader, {Names.Literal(owner)}, \"object\");");
                    Writer.CloseBlock();
                    Writer.WriteLine($"var {dictionary} = new global::System.Collections.Generic.Dictionary<string, {element.DeclaredName}>();");
                    Writer.WriteLine("while (true)");
                    Writer.OpenBlock();
                    Writer.WriteLine($"{Json}.Next(ref reader);");
                    Writer.WriteLine($"if (reader.TokenType == {Token}.EndObject)");
                    Writer.OpenBlock();
                    Writer.WriteLine("break;");
                    Writer.CloseBlock();
                    Writer.WriteLine($"var {key} = reader.GetString()!;");
                    Writer.WriteLine($"{Json}.Next(ref reader);");
                    Writer.WriteLine($"{element.DeclaredName} {item} = {DefaultOf(element)};");
                    ReadInto(element, item, owner, path + "{}");
                    Writer.WriteLine($"{dictionary}[{key}] = {item};");
                    Writer.CloseBlock();
                    Writer.WriteLine($"{target} = {dictionary};");
                    return;
                }
                default:
                {
                    var element = type.Element!;
                    var list = Local("list");
                    var item = Local("item");
                    Writer.WriteLine($"if (reader.TokenType != {Token}.StartArray)");
                    Writer.OpenBlock();
                    Writer.WriteLine($"{Json}.ThrowUnexpectedToken(ref reader, {Names.Literal(owner)}, \"array\");");
                    Writer.CloseBlock();
                    Writer.WriteLine($"var {list} = new global::System.Collections.Generic.List<{element.DeclaredName}>();");
                    Writer.WriteLine("while (true)");
                    Writer.OpenBlock();
                    Writer.WriteLine($"{Json}.Next(ref reader);");
                    Writer.WriteLine($"if (reader.TokenType == {Token}.EndArray)");
                    Writer.OpenBlock();
                    Writer.WriteLine("break;");
                    Writer.CloseBlock();
                    Writer.WriteLine($"{element.DeclaredName} {item} = {DefaultOf(element)};");
                    ReadInto(element, item, owner, path + "[]");
                    Writer.WriteLine($"{list}.Add({item});");
                    Writer.CloseBlock();
                    Writer.WriteLine(type.Kind == JsonTypeKind.Array ? $"{target} = {list}.ToArray();" : $"{target} = {list};");
                    return;
                }
            }
        }

        private static string ReadPrimitive(PrimitiveKind kind) => kind switch
        {
            PrimitiveKind.Boolean => "reader.GetBoolean()",
            PrimitiveKind.Byte => "reader.GetByte()",
            PrimitiveKind.SByte => "reader.GetSByte()",
            PrimitiveKind.Int16 => "reader.GetInt16()",
            PrimitiveKind.UInt16 => "reader.GetUInt16()",
            PrimitiveKind.Int32 => "reader.GetInt32()",
            PrimitiveKind.UInt32 => "reader.GetUInt32()",
            PrimitiveKind.Int64 => "reader.GetInt64()",
            PrimitiveKind.UInt64 => "reader.GetUInt64()",
            PrimitiveKind.Single => "reader.GetSingle()",
            PrimitiveKind.Double => "reader.GetDouble()",
            PrimitiveKind.Decimal => "reader.GetDecimal()",
            PrimitiveKind.Char => $"{Json}.ReadChar(ref reader)",
            PrimitiveKind.String => "reader.GetString()!",
            PrimitiveKind.Guid => "reader.GetGuid()",
            PrimitiveKind.DateTime => "reader.GetDateTime()",
            PrimitiveKind.DateTimeOffset => "reader.GetDateTimeOffset()",
            PrimitiveKind.TimeSpan => $"{Json}.ReadTimeSpan(ref reader)",
            PrimitiveKind.DateOnly => $"{Json}.ReadDateOnly(ref reader)",
            PrimitiveKind.TimeOnly => $"{Json}.ReadTimeOnly(ref reader)",
            PrimitiveKind.ByteArray => "reader.GetBytesFromBase64()",
            _ => "default!",
        };
    }
}
