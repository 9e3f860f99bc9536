using System.Net.Sockets;

namespace Tap.Shim.Capture;

/// <summary>What kind of upstream failure an exception from HttpClient means.</summary>
internal static class UpstreamErrors
{
    public static TapUpstreamErrorKind Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                    return TapUpstreamErrorKind.Timeout;
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return TapUpstreamErrorKind.Timeout;
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
                    return TapUpstreamErrorKind.ConnectionReset;
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return TapUpstreamErrorKind.ConnectionReset;
                case HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse }:
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse }:
                    return TapUpstreamErrorKind.MalformedResponse;
            }
        }

        return exception is IOException ? TapUpstreamErrorKind.ConnectionReset : TapUpstreamErrorKind.Other;
    }
}
