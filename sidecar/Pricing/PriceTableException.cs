namespace Tap.Sidecar.Pricing;

/// <summary>A price file that cannot be used: its message is one line naming the file and what is wrong.</summary>
internal sealed class PriceTableException(string message, Exception? inner = null) : Exception(message, inner);
