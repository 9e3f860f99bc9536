using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tap.Shim;
using Tap.Shim.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the process's <see cref="TapClient"/>.</summary>
public static class TapServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="TapClientOptions"/> is bound from.</summary>
    public const string ConfigurationSection = "Tap";

    /// <summary>
    /// Adds one <see cref="TapClient"/> for the process, with options bound from the <c>Tap</c> configuration
    /// section and then <paramref name="configure"/>. Options are validated when the host starts. Calling it
    /// again only adds the extra configuration.
    /// </summary>
    public static IServiceCollection AddTap(this IServiceCollection services, Action<TapClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(TapClient)))
        {
            services.AddOptions<TapClientOptions>().ValidateOnStart();
            services.AddSingleton<IConfigureOptions<TapClientOptions>>(sp =>
                new ConfigureOptions<TapClientOptions>(o => sp.GetService<IConfiguration>()?.GetSection(ConfigurationSection).Bind(o)));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TapClientOptions>, TapClientOptionsValidator>());
            services.TryAddSingleton(sp => new TapClient(sp.GetRequiredService<IOptions<TapClientOptions>>().Value, sp.GetService<TimeProvider>()));
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
