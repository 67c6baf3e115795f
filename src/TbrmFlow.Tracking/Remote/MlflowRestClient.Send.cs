using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TbrmFlow.Tracking.Remote;

public sealed partial class MlflowRestClient
{
    private async Task<JsonNode?> SendRawAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        var delay = _firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var message = request();
                response = await _http.SendAsync(message, ct);
            }
            catch (Exception e) when (attempt < _maxAttempts && !ct.IsCancellationRequested
                                      && e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(delay, ct);
                delay *= 2;
                continue;
            }
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.IsSuccessStatusCode)
                {
                    return text.Length == 0 ? null : JsonNode.Parse(text);
                }
                if (IsTransient(response.StatusCode) && attempt < _maxAttempts)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? delay;
                    await Task.Delay(wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30), ct);
                    delay *= 2;
                    continue;
                }
                throw ParseError(response.StatusCode, text);
            }
        }
    }

    private static MlflowApiException ParseError(HttpStatusCode status, string text)
    {
        try
        {
            if (JsonNode.Parse(text) is JsonObject error)
            {
                return new MlflowApiException(status, error["error_code"]?.GetValue<string>() ?? status.ToString(), error["message"]?.GetValue<string>() ?? text);
            }
        }
        catch (JsonException)
        {
            // not JSON (a proxy's HTML page): keep the text
        }
        return new MlflowApiException(status, status.ToString(), text.Length > 500 ? text[..500] : text);
    }
}
