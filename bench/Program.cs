using Tap.Benchmarks;

return await BenchCommand.RunAsync(args);
