using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace TbrmFlow.Server.Security;

/// <summary>
/// The request gate, first in the pipeline:
/// <list type="bullet">
/// <item><c>GET ...?token=T</c> with the right token sets an HttpOnly, SameSite=Strict cookie and redirects to the same URL without it (as Jupyter does).</item>
/// <item>While bound to loopback, a Host header that is not loopback is refused (DNS rebinding), and a cross-origin <c>Origin</c> on a non-GET request is refused.</item>
/// <item>Mutating <c>/api</c> requests need the token in <c>Authorization: Bearer</c> or <c>X-TbrmFlow-Token</c> (never the cookie: a cross-site form could send it).</item>
/// <item>When bound to a non-loopback address, every other request needs the header, the cookie, or (for <c>/hubs/</c>) <c>access_token</c>; <c>/health</c> stays open.</item>
/// <item><c>/api</c> request bodies larger than <see cref="ServerOptions.MaxBodyBytes"/> get 413.</item>
/// </list>
/// The Blazor UI needs nothing else: its pages and circuit are same-origin non-<c>/api</c> requests and its components call the services in process.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
/// <param name="security">Token and policy.</param>
/// <param name="options">Body limit.</param>
public sealed class TokenGate(RequestDelegate next, ServerSecurity security, ServerOptions options)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path;
        var isApi = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (security.LoopbackOnly && !SecurityChecks.HostIsLoopback(request))
        {
            await Fail(context, StatusCodes.Status400BadRequest, "Host not allowed", "this server is bound to loopback and answers only to localhost, 127.0.0.1 or [::1]");
            return;
        }
        if (!isRead && !SecurityChecks.SameOrigin(request))
        {
            await Fail(context, StatusCodes.Status403Forbidden, "Cross-origin request refused", "the Origin header does not match this server");
            return;
        }
        if (isRead && !isApi && request.Query.TryGetValue("token", out var queryToken))
        {
            await ExchangeQueryToken(context, queryToken.ToString());
            return;
        }
        if (path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var needed = (isApi && !isRead) || !security.LoopbackOnly;
        if (needed && !security.IsCarriedBy(request, allowCookie: !(isApi && !isRead)))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Fail(context, StatusCodes.Status401Unauthorized, "Token required",
                $"send the server's token as 'Authorization: Bearer TOKEN' or '{ServerSecurity.TokenHeader}: TOKEN' (it is printed when the server starts, or set by config 'token' / {ServerSecurity.TokenVariable})");
            return;
        }
        if (isApi && !LimitBody(context))
        {
            await Fail(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", $"the API accepts bodies of at most {options.MaxBodyBytes} bytes");
            return;
        }
        await next(context);
    }

    private async Task ExchangeQueryToken(HttpContext context, string token)
    {
        if (!security.Matches(token))
        {
            await Fail(context, StatusCodes.Status401Unauthorized, "Wrong token", "the token in the URL is not this server's token");
            return;
        }
        context.Response.Cookies.Append(ServerSecurity.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        var rest = context.Request.Query.Where(q => q.Key != "token").SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}")).ToList();
        var target = context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + (rest.Count == 0 ? "" : "?" + string.Join('&', rest));
        context.Response.Redirect(target);
    }

    private bool LimitBody(HttpContext context)
    {
        if (context.Request.ContentLength > options.MaxBodyBytes)
        {
            return false;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxBodyBytes;
        }
        return true;
    }

    private static Task Fail(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
