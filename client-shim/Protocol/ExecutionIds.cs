namespace Tap.Shim.Protocol;

/// <summary>Execution ids travel as 16 bytes in RFC 4122 order, so every language prints the same GUID text.</summary>
internal static class ExecutionIds
{
    public static byte[] ToBytes(Guid id)
    {
        var bytes = new byte[ProtocolConstants.ExecutionIdBytes];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes;
    }

    public static Guid FromBytes(ReadOnlySpan<byte> bytes) => new(bytes, bigEndian: true);
}
