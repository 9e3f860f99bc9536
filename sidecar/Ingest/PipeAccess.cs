using System.IO.Pipes;
using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace Tap.Sidecar.Ingest;

/// <summary>Windows: the pipe's ACL grants the sidecar's own account and the configured accounts, nobody else.</summary>
internal static class PipeAccess
{
    [SupportedOSPlatform("windows")]
    public static PipeSecurity ForAccounts(IEnumerable<string> accounts)
    {
        var security = new PipeSecurity();
        using var self = WindowsIdentity.GetCurrent();
        security.AddAccessRule(new PipeAccessRule(self.User!, PipeAccessRights.FullControl, AccessControlType.Allow));
        foreach (var account in accounts)
        {
            security.AddAccessRule(new PipeAccessRule(new NTAccount(account), PipeAccessRights.ReadWrite, AccessControlType.Allow));
        }

        return security;
    }
}
