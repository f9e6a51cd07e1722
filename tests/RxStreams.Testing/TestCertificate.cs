using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RxStreams.Testing;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost, made at test time (no <c>dotnet dev-certs</c>, which
/// a headless machine may not trust), also written as a password-protected PFX file that Kestrel's configuration can
/// load. Disposing deletes the file.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory;

    private TestCertificate(X509Certificate2 certificate, string directory, string path, string password)
    {
        Certificate = certificate;
        _directory = directory;
        PfxPath = path;
        Password = password;
    }

    /// <summary>The certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The PFX file holding the certificate and its key.</summary>
    public string PfxPath { get; }

    /// <summary>The PFX file's password.</summary>
    public string Password { get; }

    /// <summary>The certificate's SHA-256 thumbprint, for pinning.</summary>
    public string Sha256 => Certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Makes a certificate valid from a day ago for a week, for <paramref name="subject"/> (a CN).</summary>
    public static TestCertificate Create(string subject = "RxStreams test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var pfx = created.Export(X509ContentType.Pfx, password);
        var directory = Path.Combine(Path.GetTempPath(), "rxstreams-cert-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "server.pfx");
        File.WriteAllBytes(path, pfx);
        // Loaded back from the PFX so the private key is usable by SslStream on every platform.
        var certificate = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
        return new TestCertificate(certificate, directory, path, password);
    }

    /// <summary>
    /// A validation callback (for <c>ClientWebSocketOptions.RemoteCertificateValidationCallback</c> or an
    /// <c>HttpClientHandler</c>) that accepts exactly this certificate and nothing else.
    /// </summary>
    public bool IsThis(X509Certificate? presented)
        => presented is not null && presented.GetCertHashString(HashAlgorithmName.SHA256) == Sha256;

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
