using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace TbrmFlow.Server.Security;

/// <summary>
/// The API token and who must present it. Mutating <c>/api</c> requests always need it; when the server
/// listens on anything but loopback, every request does (pages, hub, API reads), except <c>/health</c>.
/// </summary>
public sealed class ServerSecurity
{
    /// <summary>The environment variable holding the token (config key <c>token</c> wins).</summary>
    public const string TokenVariable = "TBRMFLOW_TOKEN";

    /// <summary>The header that carries the token (besides <c>Authorization: Bearer</c>).</summary>
    public const string TokenHeader = "X-TbrmFlow-Token";

    /// <summary>The HttpOnly cookie a valid <c>?token=</c> sets, so the browser UI works on a non-loopback address.</summary>
    public const string CookieName = "tbrmflow_token";

    private readonly byte[] _tokenHash;

    /// <summary>Creates the policy.</summary>
    /// <param name="token">The token.</param>
    /// <param name="generated">True when it was generated at start (then it is printed).</param>
    /// <param name="loopbackOnly">True when every listening address is loopback.</param>
    public ServerSecurity(string token, bool generated, bool loopbackOnly)
    {
        Token = token;
        Generated = generated;
        LoopbackOnly = loopbackOnly;
        _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>The token (never logged).</summary>
    public string Token { get; }

    /// <summary>True when no token was configured and this one was generated.</summary>
    public bool Generated { get; }

    /// <summary>True when the server only listens on loopback addresses.</summary>
    public bool LoopbackOnly { get; }

    /// <summary>Reads the token from config <c>token</c>, else <c>TBRMFLOW_TOKEN</c>, else generates 32 random bytes; loopback from <see cref="ServerOptions.Urls"/>.</summary>
    public static ServerSecurity From(IConfiguration configuration, ServerOptions options)
    {
        var token = configuration["token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            token = Environment.GetEnvironmentVariable(TokenVariable);
        }
        var generated = string.IsNullOrWhiteSpace(token);
        if (generated)
        {
            token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        }
        return new ServerSecurity(token!.Trim(), generated, IsLoopbackOnly(options.Urls));
    }

    /// <summary>True when every address in <paramref name="urls"/> (separated by ';') is loopback; <c>*</c>, <c>+</c>, 0.0.0.0 and names other than localhost are not.</summary>
    public static bool IsLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(IsLoopbackUrl);

    /// <summary>True when <paramref name="candidate"/> is the token; compares SHA-256 hashes in constant time.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(_tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    /// <summary>
    /// True when <paramref name="request"/> carries the token: <c>Authorization: Bearer</c>, the <see cref="TokenHeader"/>
    /// header, the cookie (only when <paramref name="allowCookie"/>), or for <c>/hubs/</c> SignalR's <c>access_token</c> query.
    /// The one check behind the API gate and the <c>/jobs</c> dashboard.
    /// </summary>
    public bool IsCarriedBy(HttpRequest request, bool allowCookie)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && Matches(authorization["Bearer ".Length..].Trim()))
        {
            return true;
        }
        if (request.Headers.TryGetValue(TokenHeader, out var header) && Matches(header.ToString()))
        {
            return true;
        }
        if (allowCookie && request.Cookies.TryGetValue(CookieName, out var cookie) && Matches(cookie))
        {
            return true;
        }
        // SignalR clients send the token as access_token on WebSocket and server-sent-events requests.
        return request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue("access_token", out var access) && Matches(access.ToString());
    }

    /// <summary>True when a Host header names this machine's loopback (a rebinding defence while bound to loopback).</summary>
    public static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private static bool IsLoopbackUrl(string url)
    {
        // Kestrel accepts http://*:5080 and http://+:5080, which Uri does not parse.
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        var host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)] : rest.Split(':', '/')[0];
        return IsLoopbackHost(host);
    }
}
