namespace Tap.Tests.Support;

/// <summary>Unique pipe names, so tests never share a socket.</summary>
internal static class TestEndpoints
{
    public static string UniquePipeName() => "tap-test-" + Guid.NewGuid().ToString("N")[..16];
}
