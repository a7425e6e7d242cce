// The core's namespaces, one per concern (see README, "Architecture"): every file of this project may use them.
global using LokiLambdaExtension.Core.Configuration;
global using LokiLambdaExtension.Core.Entries;
global using LokiLambdaExtension.Core.Lifecycle;
global using LokiLambdaExtension.Core.Shaping;
global using LokiLambdaExtension.Core.Telemetry;
global using LokiLambdaExtension.Core.Wire;
