using System.Net.Http.Headers;
using System.Text;

namespace Tap.Tests.Support;

/// <summary>A real HttpClient caller that reads a streamed response and can really disconnect in the middle of it.</summary>
internal static class StreamingClient
{
    public static HttpRequestMessage Post(string path, string json, string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        return request;
    }

    /// <summary>Reads the whole body.</summary>
    public static async Task<(HttpResponseMessage Response, byte[] Body)> ReadAllAsync(HttpClient client, HttpRequestMessage request)
    {
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(30));
        var body = await response.Content.ReadAsByteArrayAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (response, body);
    }

    /// <summary>
    /// Reads until the text received contains <paramref name="marker"/> and the event holding it is complete, then
    /// disconnects: cancels the read and disposes the response, which closes the connection.
    /// </summary>
    public static async Task<string> ReadUntilThenDisconnectAsync(HttpClient client, HttpRequestMessage request, string marker)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        var received = new StringBuilder();
        var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[4096];
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancel.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(chars, 0, decoder.GetChars(buffer, 0, read, chars, 0));
            var text = received.ToString();
            var at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && (text.IndexOf("\n\n", at, StringComparison.Ordinal) >= 0 || text.IndexOf("\r\n\r\n", at, StringComparison.Ordinal) >= 0))
            {
                break;
            }
        }

        await cancel.CancelAsync();
        response.Dispose();
        return received.ToString();
    }
}
