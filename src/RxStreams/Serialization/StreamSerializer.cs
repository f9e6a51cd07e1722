using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace RxStreams.Serialization;

/// <summary>
/// The serializers of a process, one per message type, filled by the generated module initializers (and by
/// <see cref="Register{T}"/>), read without locks or reflection. Also the helpers that turn values into bytes.
/// </summary>
public static class StreamSerializer
{
    private static readonly JsonWriterOptions s_writerOptions = new() { SkipValidation = true };
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 64 };

    [ThreadStatic]
    private static WriterCache? t_cache;

    /// <summary>Registers the serializer of <typeparamref name="T"/>. A later registration replaces an earlier one.</summary>
    public static void Register<T>(IStreamSerializer<T> serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        Holder<T>.Instance = serializer;
    }

    /// <summary>The serializer of <typeparamref name="T"/>, or null when none is registered.</summary>
    public static IStreamSerializer<T>? TryGet<T>()
    {
        var serializer = Holder<T>.Instance;
        if (serializer is null)
        {
            // The type's assembly may hold a generated registration whose module initializer has not run yet.
            RuntimeHelpers.RunModuleConstructor(typeof(T).Module.ModuleHandle);
            serializer = Holder<T>.Instance;
        }
        return serializer;
    }

    /// <summary>The serializer of <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">None is registered: the message says how to get one.</exception>
    public static IStreamSerializer<T> Get<T>()
        => TryGet<T>() ?? throw new InvalidOperationException(
            $"No RxStreams serializer is registered for '{typeof(T)}'. Mark the type with [StreamMessage] (or use it in a [StreamRoute] handler's signature) " +
            "in a project that references RxStreams, so the source generator emits one, or call StreamSerializer.Register<T>() with your own.");

    /// <summary>Serializes <paramref name="value"/> into a new array of exactly its size.</summary>
    public static byte[] SerializeToArray<T>(IStreamSerializer<T> serializer, T value)
    {
        var cache = t_cache ??= new WriterCache();
        var (writer, buffer, pooled) = cache.Rent();
        try
        {
            serializer.Write(writer, value);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            cache.Return(pooled);
        }
    }

    /// <summary>
    /// Serializes <paramref name="value"/> and hands the bytes to <paramref name="consume"/>, which must not keep them:
    /// the buffer is the calling thread's and is reused. Allocation-free once the thread's buffer has grown.
    /// </summary>
    public static void Serialize<T, TState>(IStreamSerializer<T> serializer, T value, TState state, ReadOnlySpanAction<byte, TState> consume)
        where TState : allows ref struct
    {
        var cache = t_cache ??= new WriterCache();
        var (writer, buffer, pooled) = cache.Rent();
        try
        {
            serializer.Write(writer, value);
            writer.Flush();
            consume(buffer.WrittenSpan, state);
        }
        finally
        {
            cache.Return(pooled);
        }
    }

    /// <summary>Serializes <paramref name="value"/> into <paramref name="destination"/>.</summary>
    public static void Serialize<T>(IStreamSerializer<T> serializer, T value, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination, s_writerOptions);
        serializer.Write(writer, value);
        writer.Flush();
    }

    /// <summary>Reads one <typeparamref name="T"/> from UTF-8 JSON.</summary>
    /// <exception cref="StreamSerializationException">The bytes are not JSON for a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(IStreamSerializer<T> serializer, ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, s_readerOptions);
        return Read(serializer, ref reader);
    }

    /// <summary>Reads one <typeparamref name="T"/> from UTF-8 JSON split over segments.</summary>
    /// <exception cref="StreamSerializationException">The bytes are not JSON for a <typeparamref name="T"/>.</exception>
    public static T Deserialize<T>(IStreamSerializer<T> serializer, in ReadOnlySequence<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, s_readerOptions);
        return Read(serializer, ref reader);
    }

    private static T Read<T>(IStreamSerializer<T> serializer, ref Utf8JsonReader reader)
    {
        try
        {
            if (!reader.Read())
            {
                throw new StreamSerializationException($"The payload is empty; expected JSON for {typeof(T).Name}.");
            }
            if (reader.TokenType == JsonTokenType.Null && !typeof(T).IsValueType)
            {
                // A message is a value of its type: JSON null is none (a handler would get a null it never declared).
                throw new StreamSerializationException($"The payload is null; expected JSON for {typeof(T).Name}.");
            }
            var value = serializer.Read(ref reader);
            if (reader.Read())
            {
                throw new StreamSerializationException($"The payload has data after the JSON value of {typeof(T).Name}.");
            }
            return value;
        }
        catch (StreamSerializationException)
        {
            throw;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            throw new StreamSerializationException($"The payload is not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static class Holder<T>
    {
        public static IStreamSerializer<T>? Instance = BuiltInSerializers.For<T>();
    }

    /// <summary>One Utf8JsonWriter and buffer per thread, reused; re-entrant use falls back to fresh ones.</summary>
    private sealed class WriterCache
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _writer;
        private bool _inUse;

        public WriterCache() => _writer = new Utf8JsonWriter(_buffer, s_writerOptions);

        public (Utf8JsonWriter Writer, ArrayBufferWriter<byte> Buffer, bool Pooled) Rent()
        {
            if (_inUse)
            {
                // A serializer that serializes (re-entrant use on this thread): use fresh ones.
                var buffer = new ArrayBufferWriter<byte>(256);
                return (new Utf8JsonWriter(buffer, s_writerOptions), buffer, false);
            }
            _inUse = true;
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            return (_writer, _buffer, true);
        }

        public void Return(bool pooled)
        {
            if (!pooled)
            {
                return;
            }
            _inUse = false;
            if (_buffer.Capacity > 1 << 20)
            {
                // Don't keep a huge buffer alive because of one huge message.
                t_cache = null;
            }
        }
    }
}
