namespace Tap.Sidecar.Streams;

internal static class ProviderErrorBody
{
    public static string? TryGetMessage(ReadOnlySpan<byte> body) => body.IsEmpty ? null : null;
}
