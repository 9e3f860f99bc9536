using System.Buffers;

namespace Tap.Shim.Delivery;

/// <summary>One encoded frame waiting to be written; <see cref="Buffer"/> comes from the shared array pool.</summary>
internal readonly record struct OutboundFrame(byte[] Buffer, int Length, ExecutionWriter Owner, bool IsStart, bool IsEnd)
{
    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
