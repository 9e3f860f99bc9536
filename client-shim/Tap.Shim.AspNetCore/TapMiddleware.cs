using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Tap.Shim.Capture;

namespace Tap.Shim.AspNetCore;

/// <summary>
/// For gateways that write provider responses themselves: the response this app writes is the execution's
/// body, the client's disconnect is client-aborted, and the end of the pipeline is the end of the stream.
/// </summary>
internal sealed class TapMiddleware(RequestDelegate next, TapClient client, IOptions<TapClientOptions> options)
{
    private readonly TapClientOptions _options = options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (!HttpMethods.IsPost(context.Request.Method) || !_options.Taps(path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var execution = client.StartExecution(await IncomingRequests.DescribeAsync(context, _options, path!).ConfigureAwait(false));
        var response = context.Response;
        response.OnStarting(() =>
        {
            execution.Response(response.StatusCode, response.ContentType);
            return Task.CompletedTask;
        });

        var body = response.Body;
        response.Body = new TapWriteStream(body, execution);
        using var aborted = context.RequestAborted.Register(execution.ClientAborted);
        try
        {
            await next(context).ConfigureAwait(false);
            execution.UpstreamEnd();
        }
        catch (Exception ex)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                execution.ClientAborted();
            }
            else
            {
                execution.UpstreamError(UpstreamErrors.Classify(ex), ex.Message);
            }

            throw;
        }
        finally
        {
            response.Body = body;
            execution.End();
        }
    }
}
