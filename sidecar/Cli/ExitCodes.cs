namespace Tap.Sidecar.Cli;

/// <summary>
/// Process exit codes of the tap command line, the one place they are defined (docs/operations.md lists them):
/// 0 success; 1 nothing found (unknown id, ambiguous id prefix, no database file for <c>show</c>);
/// 2 usage error (unknown option, bad value, missing argument); 3 neither a sidecar nor the database can be reached
/// (not a LiteDB file, damaged, unreadable, or held by a running writer that does not answer on the control endpoint;
/// <c>tap check</c> found damage; <c>tap serve</c> refused a foreign or damaged database);
/// 4 <c>tap serve</c> could not start (endpoint taken, not a socket or the database's path; another process holds the
/// database's lock; database unwritable; invalid configuration);
/// 5 the sidecar was reached but refused or broke off a request; 6 <c>tap purge</c> was not confirmed (no --yes);
/// 7 a file could not be written (<c>tap export --output</c>, <c>tap service install</c>);
/// 70 an unexpected failure, a bug in tap (one line naming the exception, never a stack trace).
/// </summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int NotFound = 1;
    public const int Usage = 2;
    public const int DatabaseUnavailable = 3;
    public const int ServeFailed = 4;
    public const int SidecarFailed = 5;
    public const int NotConfirmed = 6;
    public const int WriteFailed = 7;
    public const int Unexpected = 70;
}
