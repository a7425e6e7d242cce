using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using LokiLambdaExtension.CoreBenchmarks;

// A short run (3 warm-ups, 5 iterations), in process, fits the 2-core machines this project runs on; medians are reported.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance))
    .AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median)
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkRunner.Run<CoreBenchmarks>(config, args);
