namespace Tap.Sidecar.Store.Files;

/// <summary>Why a database file is not opened.</summary>
internal enum DatabaseRefusal
{
    /// <summary>Another writer holds its lock.</summary>
    Locked,

    /// <summary>Not a LiteDB database, or a damaged one: left exactly as it is.</summary>
    Unusable,
}
