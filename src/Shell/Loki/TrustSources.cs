using System.Runtime.InteropServices;

namespace LokiLambdaExtension.Shell.Loki;

/// <summary>Where the machine's trusted certificates are, read as .NET reads them (<c>SSL_CERT_FILE</c> or OpenSSL's
/// default file; every file of each <c>SSL_CERT_DIR</c> directory, colon-separated, or of OpenSSL's default directory,
/// and of <c>/etc/ssl/certs</c> when that holds nothing), and the hand-over that lets <see cref="TrustAnchors"/> check
/// certificates instead of .NET: at start the process's own <c>SSL_CERT_FILE</c> and <c>SSL_CERT_DIR</c> point where
/// nothing can be, so that .NET's machine store, loaded by every chain it builds, is empty and costs nothing.</summary>
internal static class TrustSources
{
    /// <summary>A path that cannot exist (nothing is under <c>/dev/null</c>), that says why it is there.</summary>
    internal const string Nowhere = "/dev/null/loki-lambda-extension-checks-certificates-itself";

    private static string? s_fileVariable;
    private static string? s_directoriesVariable;
    /// <summary>The trust file and directories, OpenSSL asked for its defaults only when a variable does not name them,
    /// and only when a certificate is first checked: loading libcrypto at start cost 3 ms of CPU before the first
    /// <c>/event/next</c> (the bench), which a function that ships over HTTP never needs.</summary>
    private static readonly Lazy<(string? File, string[] Directories, bool DefaultDirectory)> Paths = new(() =>
    (
        // Set but empty names no file, as for .NET (unset: OpenSSL's default).
        s_fileVariable is null ? OpenSsl(DefaultCertFile) : s_fileVariable.Length > 0 ? s_fileVariable : null,
        (s_directoriesVariable ?? OpenSsl(DefaultCertDirectory) ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray(),
        s_directoriesVariable is null));

    /// <summary>Notes where the trusted certificates are, then hands .NET an empty store. Before anything builds a
    /// chain (the first lines of the program). When the process environment cannot be changed, .NET keeps its store
    /// and <see cref="TrustAnchors"/> checks against the same files all the same.</summary>
    public static void TakeOver()
    {
        s_fileVariable = Environment.GetEnvironmentVariable("SSL_CERT_FILE");
        s_directoriesVariable = Environment.GetEnvironmentVariable("SSL_CERT_DIR");
        try
        {
            // The variables are read by .NET's native layer (getenv), which Environment.SetEnvironmentVariable does not
            // reach; the managed copy keeps the values read above.
            _ = SetEnv("SSL_CERT_FILE", Nowhere, 1) == 0 && SetEnv("SSL_CERT_DIR", Nowhere, 1) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // .NET keeps its own store.
        }
    }

    /// <summary>The files to read, in .NET's order, each once: a directory's hash links and the bundle it also names
    /// are the same files as its certificates and the trust file (Debian), or the trust file itself (Amazon Linux
    /// 2023), and reading them again would only find the same certificates. Nothing before <see cref="TakeOver"/>.</summary>
    public static IEnumerable<string> Files()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Candidates().Where(file => seen.Add(Resolved(file)));
    }

    private static IEnumerable<string> Candidates()
    {
        var (trustFile, directories, defaultDirectory) = Paths.Value;
        if (trustFile is not null && File.Exists(trustFile))
        {
            yield return trustFile;
        }
        bool any = false;
        foreach (string directory in directories.Where(Directory.Exists))
        {
            foreach (string file in Directory.EnumerateFiles(directory))
            {
                any = true;
                yield return file;
            }
        }
        if (!any && defaultDirectory && Directory.Exists("/etc/ssl/certs"))
        {
            foreach (string file in Directory.EnumerateFiles("/etc/ssl/certs"))
            {
                yield return file;
            }
        }
    }

    /// <summary>The file a path finally names, through any links.</summary>
    private static string Resolved(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }

    /// <summary>One of OpenSSL's compiled-in paths, from the libcrypto the runtime uses (OpenSSL 3 on Amazon Linux 2023);
    /// null when it cannot be asked.</summary>
    private static string? OpenSsl(Func<nint> path)
    {
        try
        {
            return Marshal.PtrToStringUTF8(path());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libcrypto.so.3", EntryPoint = "X509_get_default_cert_file")]
    private static extern nint DefaultCertFile();

    [DllImport("libcrypto.so.3", EntryPoint = "X509_get_default_cert_dir")]
    private static extern nint DefaultCertDirectory();

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
