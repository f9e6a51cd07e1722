using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RxStreams.AspNetCore.Protection;
using RxStreams.Backplanes;

namespace RxStreams.Benchmarks;

/// <summary>
/// What <c>ProtectStoredData()</c> costs per item: encrypting a payload when it is appended (once per publish) and
/// decrypting it when it is read (once per node for live items, once per history read), with Data Protection's
/// default algorithms (AES-256-CBC + HMAC-SHA256) or AES-256-GCM, and a chat message's JSON or a 4 KiB payload.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ProtectionBenchmarks
{
    private StoredDataProtector _protector = null!;
    private byte[] _payload = null!;
    private BackplaneEntry _stored;
    private DirectoryInfo _keys = null!;
    private ServiceProvider _services = null!;

    /// <summary>The payload's size in bytes: a chat message's JSON, or 4 KiB.</summary>
    [Params(128, 4096)]
    public int Size { get; set; }

    /// <summary>Data Protection's algorithms: its default (AES-256-CBC + HMAC-SHA256) or AES-256-GCM.</summary>
    [Params("CBC-HMAC", "GCM")]
    public string Algorithm { get; set; } = "CBC-HMAC";

    [GlobalSetup]
    public void Setup()
    {
        _keys = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "rxstreams-bench-keys-" + Guid.NewGuid().ToString("N")[..8]));
        var services = new ServiceCollection();
        var dataProtection = services.AddDataProtection().SetApplicationName("bench").PersistKeysToFileSystem(_keys);
        if (Algorithm == "GCM")
        {
            dataProtection.UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM });
        }
        _services = services.BuildServiceProvider();
        _protector = new StoredDataProtector(_services.GetRequiredService<IDataProtectionProvider>(), NullLogger.Instance);
        const string message = "{\"id\":\"5f2c0a9d1e7b3c44\",\"userId\":\"Qm9iQm9iQm9iQm9i\",\"from\":\"Bob\",\"text\":\"See you at the station at six?\",\"sentAt\":\"2026-12-07T16:00:00+00:00\"}";
        _payload = Encoding.UTF8.GetBytes(message.PadRight(Size, ' '))[..Size];
        var protectedPayload = _protector.ProtectChannelItem("chat:room:general", _payload);
        _stored = new BackplaneEntry(new StreamOffset(1, 0), DateTimeOffset.UnixEpoch, protectedPayload);
        Console.WriteLine($"// {Algorithm}: {Size} B payload stored as {protectedPayload.Length} B (+{protectedPayload.Length - Size} B)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _keys.Delete(recursive: true);
    }

    /// <summary>Encrypting one item, as <c>AppendAsync</c> does.</summary>
    [Benchmark]
    public byte[] Protect() => _protector.ProtectChannelItem("chat:room:general", _payload);

    /// <summary>Decrypting one item, as a history read or a node's live feed does.</summary>
    [Benchmark]
    public BackplaneEntry Unprotect() => _protector.UnprotectChannelItem("chat:room:general", _stored);
}
