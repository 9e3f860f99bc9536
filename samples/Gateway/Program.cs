using Tap.Samples.Gateway;

await GatewayApp.Create(args).RunAsync();
