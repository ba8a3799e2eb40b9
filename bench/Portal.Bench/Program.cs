using Portal.Bench;

// Benchmarks measure speed; tests assert behaviour. Each scenario prints its numbers and the budget.
var scenarios = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["startup"] = StartupScenario.RunAsync,
    ["queue"] = QueueScenario.RunAsync,
    ["fanout"] = FanoutScenario.RunAsync,
    ["circuits"] = CircuitsScenario.RunAsync,
    ["ingest"] = IngestScenario.RunAsync,
    ["runbook-search"] = RunbookSearchScenario.RunAsync,
    ["wbr"] = WbrScenario.RunAsync,
    ["fanout-2node"] = Fanout2NodeScenario.RunAsync,
    ["ingest-2node"] = Ingest2NodeScenario.RunAsync,
    ["case-queue"] = CaseScenario.QueueAsync,
    ["case-kpis"] = CaseScenario.KpisAsync,
    ["intel-eval"] = Portal.Bench.IntelEval.IntelEvalScenario.RunAsync,
};

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.WriteLine("usage: dotnet run --project bench/Portal.Bench -c Release -- <scenario> [options]");
    Console.WriteLine("scenarios: " + string.Join(", ", scenarios.Keys));
    return args.Length == 0 ? 0 : 2;
}
return await scenario(args[1..]);
