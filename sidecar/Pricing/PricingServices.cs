using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Pricing;

/// <summary>Registers <c>Tap:Prices</c> and the price table in force for tap serve.</summary>
internal static class PricingServices
{
    public const string Section = "Tap:Prices";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PricingOptions>().Bind(configuration.GetSection(Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PricingOptions>, PricingOptionsValidator>());
        services.TryAddSingleton(sp => PriceTableLoader.Load(sp.GetRequiredService<IOptions<PricingOptions>>().Value.Path));
    }
}
