using Tap.Sidecar.Cli;

return await TapCommandLine.InvokeAsync(args, Console.Out, Console.Error);
