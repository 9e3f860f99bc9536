namespace Tap.Protocol;

/// <summary>The reasons of the Loss message (docs/protocol.md, "7 Loss").</summary>
internal static class LossReasons
{
    /// <summary>The shim's memory cap was reached and no spool could take the frames.</summary>
    public const string MemoryCap = "memory_cap";

    /// <summary>The spool on disk was at its byte cap (or the disk was full).</summary>
    public const string SpoolFull = "spool_full";

    /// <summary>A spool segment was torn or corrupt, so executions in it could not be read back.</summary>
    public const string SpoolCorrupt = "spool_corrupt";
}
