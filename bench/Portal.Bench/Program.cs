using Portal.Bench;

// Benchmarks measure speed; tests assert behaviour. Each scenario prints its numbers and the budget.
var scenarios = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["startup"] = StartupScenario.RunAsync,
    ["queue"] = QueueScenario.RunAsync,
    ["fanout"] = FanoutScenario.RunAsync,
    ["case-fanout"] = FanoutScenario.CasesAsync,
    ["dispatch"] = DispatchScenario.RunAsync,
    ["circuits"] = CircuitsScenario.RunAsync,
    ["ingest"] = IngestScenario.RunAsync,
    ["ingest-curve"] = IngestCurveScenario.RunAsync,
    ["runbook-search"] = RunbookSearchScenario.RunAsync,
    ["wbr"] = WbrScenario.RunAsync,
    ["fanout-2node"] = Fanout2NodeScenario.RunAsync,
    ["ingest-2node"] = Ingest2NodeScenario.RunAsync,
    ["case-queue"] = CaseScenario.QueueAsync,
    ["case-kpis"] = CaseScenario.KpisAsync,
    ["intel-eval"] = Portal.Bench.IntelEval.IntelEvalScenario.RunAsync,
};

// `bench all`: every scenario with a budget, each with its baseline in the same run, then one table of the verdicts.
string[][] all =
[
    ["startup"], ["ingest"], ["ingest-2node"], ["fanout"], ["case-fanout"], ["fanout-2node"], ["circuits"], ["queue"], ["wbr"], ["runbook-search"],
    ["case-queue"], ["case-kpis"], ["dispatch"],
];
if (args.Length > 0 && args[0].Equals("all", StringComparison.OrdinalIgnoreCase))
{
    foreach (var run in all)
    {
        Verdicts.Scenario = run[0];
        Console.WriteLine($"== {run[0]}");
        try
        {
            await scenarios[run[0]](run[1..]);
        }
        catch (Exception ex)
        {
            Verdicts.Failed(run[0], ex);
        }
    }
    Verdicts.PrintTable();
    return 0;
}

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.WriteLine("usage: dotnet run --project bench/Portal.Bench -c Release -- <scenario> [options]");
    Console.WriteLine("scenarios: all, " + string.Join(", ", scenarios.Keys));
    return args.Length == 0 ? 0 : 2;
}
Verdicts.Scenario = args[0];
var code = await scenario(args[1..]);
Verdicts.PrintTable();
return code;
