namespace Tap.Shim.Delivery;

/// <summary>What became of a frame offered to the spool.</summary>
internal enum SpoolWrite
{
    Appended,

    /// <summary>At its byte cap: room may be made by dropping older executions.</summary>
    Full,

    /// <summary>The disk refused it (full, or an I/O error); nothing of the record is left.</summary>
    Failed,
}
