namespace TbrmFlow.Server.Security;

/// <summary>Header checks of <see cref="TokenGate"/>.</summary>
internal static class SecurityChecks
{
    /// <summary>True when the Host header (without port) is a loopback name or address.</summary>
    public static bool HostIsLoopback(HttpRequest request) =>
        request.Host.HasValue && ServerSecurity.IsLoopbackHost(request.Host.Host);

    /// <summary>True without an Origin header (non-browser clients), or when it names this request's scheme and host.</summary>
    public static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
