using System.Net;

namespace Tap.Sidecar.Telemetry.Metrics;

/// <summary>
/// The address of the scrape endpoint. Only an IP address or <c>localhost</c>: a host name would bind whatever it
/// resolves to, and the scrape is meant for the loopback or one chosen interface, not every one.
/// </summary>
internal sealed record PrometheusAddress(IPAddress Address, int Port, string Path)
{
    public const string DefaultPath = "/metrics";

    public Uri Url => new($"http://{(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{Port}{Path}");

    public static PrometheusAddress? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;

        // The port is always written out (Uri would take 80 for none), and an IPv4 address in four parts ("9464" parses as 0.0.36.248).
        var authority = withScheme[(withScheme.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        var colon = authority.LastIndexOf(':');
        if (colon < 0 || authority.EndsWith(']') || !authority[(colon + 1)..].All(char.IsAsciiDigit)
            || (!authority.StartsWith('[') && !authority.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && authority.Count(c => c == '.') != 3))
        {
            return null;
        }

        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.Port is < 1 or > 65535)
        {
            return null;
        }

        var address = uri.IsLoopback && uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null;
        return address is null ? null : new PrometheusAddress(address, uri.Port, uri.AbsolutePath == "/" ? DefaultPath : uri.AbsolutePath);
    }
}
