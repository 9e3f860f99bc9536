using Tap.Soak;

return await SoakCommand.RunAsync(args);
