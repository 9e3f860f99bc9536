namespace Tap.Sidecar.Cli;

/// <summary>
/// Process exit codes of the tap command line, the one place they are defined:
/// 0 success; 1 nothing found (unknown id, ambiguous id prefix, no database file for <c>show</c>);
/// 2 usage error (unknown option, bad value, missing argument); 3 the database cannot be opened
/// (unreadable or corrupt file, or a running <c>tap serve</c> holding it exclusively); 4 <c>tap serve</c>
/// could not start (endpoint taken or invalid, database unwritable, invalid configuration).
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int DatabaseUnavailable = 3;
    public const int ServeFailed = 4;
}
