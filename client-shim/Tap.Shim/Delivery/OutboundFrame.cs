using System.Buffers;

namespace Tap.Shim.Delivery;

/// <summary>An End marked dropped, waiting to be written outside any execution's segments; <see cref="Buffer"/> comes from the shared array pool.</summary>
internal readonly record struct OutboundFrame(byte[] Buffer, int Length)
{
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
