namespace Tap.Shim.Protocol;

internal enum SignalKind
{
    ClientAborted = 1,
    UpstreamError = 2,
    UpstreamEnd = 3,
}
