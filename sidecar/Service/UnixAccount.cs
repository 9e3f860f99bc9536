using System.Globalization;

namespace Tap.Sidecar.Service;

/// <summary>
/// A local user and its primary group, as systemd's <c>User=</c> and <c>Group=</c> need them: read from /etc/passwd
/// ("name:password:uid:gid:...") and /etc/group ("name:password:gid:members"), like the socket group in
/// EndpointGuard. Users known only to a directory service (LDAP, sssd) are not found: give their group to systemd
/// by hand then.
/// </summary>
internal sealed record UnixAccount(string User, int UserId, string Group)
{
    /// <summary>The account named (or numbered) <paramref name="user"/>, or null when this machine has none.</summary>
    public static UnixAccount? Find(string user, string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!File.Exists(passwdPath))
        {
            return null;
        }

        foreach (var line in File.ReadLines(passwdPath))
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && (fields[0] == user || fields[2] == user)
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                return new UnixAccount(fields[0], uid, GroupName(gid, groupPath) ?? fields[3]);
            }
        }

        return null;
    }

    private static string? GroupName(int gid, string groupPath)
    {
        if (!File.Exists(groupPath))
        {
            return null;
        }

        var wanted = gid.ToString(CultureInfo.InvariantCulture);
        return File.ReadLines(groupPath).Select(line => line.Split(':')).FirstOrDefault(fields => fields.Length >= 3 && fields[2] == wanted)?[0];
    }
}
