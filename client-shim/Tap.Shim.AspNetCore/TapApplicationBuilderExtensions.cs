using Tap.Shim;
using Tap.Shim.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Taps the responses an ASP.NET Core gateway writes itself.</summary>
public static class TapApplicationBuilderExtensions
{
    /// <summary>
    /// Reports every POST request whose path matches <see cref="TapClientOptions.Routes"/> (path prefixes such
    /// as <c>/v1/</c>; empty matches all) as one execution. Requires <c>services.AddTap()</c>.
    /// </summary>
    public static IApplicationBuilder UseTap(this IApplicationBuilder app) => app.UseMiddleware<TapMiddleware>();
}
