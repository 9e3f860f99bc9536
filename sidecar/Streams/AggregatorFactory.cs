namespace Tap.Sidecar.Streams;

internal static class AggregatorFactory
{
    public static IFormatAggregator Create(string format, string? contentType) => throw new NotImplementedException(format + contentType);
}
