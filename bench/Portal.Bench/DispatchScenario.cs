using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portal.Shared.Team;
using Portal.Shared.Demo;

namespace Portal.Bench;

/// <summary>
/// Action dispatch latency: an engineer asks for a run of a promoted HTTP action (no approval needed), and the time is
/// taken from the request leaving the bench to the action's call arriving at its target (a bare Kestrel endpoint in this
/// process, so one clock). In between: the run's commit, the automation processor's wake-up, its guardrail check and
/// claim, and the signed call. The baseline, in the same run: the same call sent straight from the bench to the target.
/// Budget (issue 23, in line with 202 → visible): p99 under 250 ms, runs one at a time (200 ms apart) after a warm-up.
/// </summary>
internal static class DispatchScenario
{
    private const string Token = "bench-dispatch-token-0000000000";
    private const string Slug = "bench-echo";
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 100;
        await using var target = await Target.StartAsync();
        var admin = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Admin);
        await using var host = PortalHost.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Demo__History"] = "false",
            ["RateLimits__ApiPerMinute"] = "1000000",
            ["Provisioning__ApiTokens__0__Token"] = Token,
            ["Provisioning__ApiTokens__0__User"] = admin.Email,
            ["Automation__SigningSecret"] = "bench-signing-secret-0123456789",
            ["Automation__AllowedOutboundRanges__0"] = "127.0.0.1/32",
        });
        await host.WaitUntilReadyAsync(Stopwatch.StartNew());
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await SaveActionAsync(http, target.Url);

        // Warm-up (not measured): the JIT on both sides, the pools, the processor's first rounds.
        await MeasureAsync(30, target, n => RequestRunAsync(http, n), "warm-up");
        var dispatched = await MeasureAsync(runs, target, n => RequestRunAsync(http, n), $"run requested → target called, {runs} runs one at a time");
        using var direct = new HttpClient();
        await MeasureAsync(30, target, n => CallDirectlyAsync(direct, target.Url, n), "warm-up (direct)");
        var bare = await MeasureAsync(runs, target, n => CallDirectlyAsync(direct, target.Url, n), $"the same call sent directly, {runs} calls");

        Verdicts.Under("run requested → action's target called, p99", dispatched.P99, Budget.TotalMilliseconds, "ms");
        Verdicts.Measured("run requested → action's target called, p50", dispatched.P50, "ms");
        Verdicts.Measured("the same call sent directly (baseline), p99", bare.P99, "ms");
        return 0;
    }

    /// <summary>The action the runs call: low risk, no approval, several at once, verified by its own success.</summary>
    private static async Task SaveActionAsync(HttpClient http, Uri target)
    {
        var definition = new
        {
            name = "Bench echo", description = "Calls the bench's endpoint with the run's number.", kind = "Http", risk = "Low",
            services = new[] { "invoicing" },
            inputs = new object[] { new { name = "n", type = "Text", @default = "0" } },
            http = new { method = "POST", url = target.ToString(), body = "{\"n\": \"{{n}}\"}" },
            verify = new { kind = "None" },
            limits = new { maxConcurrent = 10, maxErrors = 3, maxAutomaticPerHour = 3 },
            timeoutSeconds = 10, minutesSaved = 1,
        };
        using var saved = await http.PutAsJsonAsync($"api/automation/actions/{Slug}", definition);
        var body = await saved.Content.ReadAsStringAsync();
        if (!saved.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Saving the action: {(int)saved.StatusCode} {body}");
        }
        var version = JsonDocument.Parse(body).RootElement.GetProperty("versions")[0].GetProperty("number").GetInt32();
        using var promoted = await http.PostAsJsonAsync($"api/automation/actions/{Slug}/promote/{version}", new { });
        promoted.EnsureSuccessStatusCode();
    }

    private static async Task RequestRunAsync(HttpClient http, int n)
    {
        using var response = await http.PostAsJsonAsync("api/automation/runs", new { action = Slug, inputs = new { n = n.ToString(System.Globalization.CultureInfo.InvariantCulture) }, dryRun = false });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Requesting run {n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task CallDirectlyAsync(HttpClient http, Uri target, int n)
    {
        using var response = await http.PostAsJsonAsync(target, new { n = n.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        response.EnsureSuccessStatusCode();
    }

    private sealed record Figures(double P50, double P99);

    /// <summary>Sends <paramref name="count"/> requests 200 ms apart, each timed from its start to the target's receipt of its number.</summary>
    private static async Task<Figures> MeasureAsync(int count, Target target, Func<int, Task> send, string name)
    {
        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var n = target.NextNumber();
            var started = Stopwatch.GetTimestamp();
            var arrived = target.ArrivalOf(n);
            await send(n);
            var at = await arrived.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(Stopwatch.GetElapsedTime(started, at).TotalMilliseconds);
            await Task.Delay(200);
        }
        latencies.Sort();
        double At(double q) => latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * q))];
        Console.WriteLine($"{name,-60} p50 {At(0.5),6:0.0} ms   p99 {At(0.99),6:0.0} ms   max {At(1),7:0.0} ms");
        return new Figures(At(0.5), At(0.99));
    }

    /// <summary>The action's target: answers 200 and notes when each number arrived.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<int, TaskCompletionSource<long>> _arrivals = new();
        private int _next;

        private Target(WebApplication app, Uri url) => (_app, Url) = (app, url);

        public Uri Url { get; }

        public int NextNumber() => Interlocked.Increment(ref _next);

        public Task<long> ArrivalOf(int n) => _arrivals.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public static async Task<Target> StartAsync()
        {
            var (builder, root) = PortalHost.BareBuilder();
            var app = builder.Build();
            Target? self = null;
            app.MapPost("/echo", async (HttpRequest request) =>
            {
                var at = Stopwatch.GetTimestamp();
                var body = await JsonDocument.ParseAsync(request.Body);
                if (int.TryParse(body.RootElement.GetProperty("n").GetString(), out var n))
                {
                    self!._arrivals.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(at);
                }
                return Results.Ok(new { ok = true });
            });
            await app.StartAsync();
            self = new Target(app, new Uri(root, "echo"));
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
