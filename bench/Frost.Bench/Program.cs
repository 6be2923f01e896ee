using Frost.Bench;

return BenchApp.Run(args);
