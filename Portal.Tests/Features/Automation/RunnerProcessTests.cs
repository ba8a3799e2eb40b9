using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Shared.Automation;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>
/// The runner as a real separate process against a portal on a real port: it runs script actions with no shell,
/// a killed runner's job is lost when its lease runs out (never "running" forever), and two runners never run one job twice.
/// </summary>
public sealed class RunnerProcessTests : IAsyncLifetime
{
    private AutomationHarness _h = default!;

    public async ValueTask InitializeAsync() => _h = await AutomationHarness.StartAsync(kestrel: true);

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Url => _h.Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private async Task<string> TokenAsync(string name)
    {
        using var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle);
        var response = await admin.PostJsonAsync("/api/automation/runners", new { name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    private Task ScriptAsync(string slug, string command, params string[] arguments) => _h.SaveAsync(slug, new
    {
        name = $"Script {slug}", kind = "Script", risk = "Low", services = new[] { "invoicing" },
        inputs = new object[] { new { name = "region", type = "Text", @default = "EU" } },
        script = new { command, arguments }, verify = new { kind = "None" }, limits = new { maxConcurrent = 10, maxErrors = 10 }, timeoutSeconds = 120,
    });

    private async Task<long> QueueAsync(string action)
    {
        var (status, run) = await _h.RequestAsync(AutomationHarness.Engineer.Handle, new { action, dryRun = false });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Queued", run.GetProperty("state").GetString());
        return run.GetProperty("id").GetInt64();
    }

    private async Task<ActionRun> RunAsync(long id) => (await _h.RunsAsync()).Single(r => r.Id == id);

    [Fact]
    public async Task ARunnerRunsAScriptWithoutAShellAndReportsItsOutput()
    {
        await ScriptAsync("echo-renderer", "/bin/echo", "restart", "{{region}}", "$(reboot); `id`");
        var id = await QueueAsync("echo-renderer");
        using var runner = new RunnerProcess(Url, await TokenAsync("billing-eu-1"), "/bin/echo");
        await UntilAsync(async () => (await RunAsync(id)).State == RunState.Succeeded, 30, runner);
        var run = await RunAsync(id);
        Assert.Equal("billing-eu-1", run.Runner);
        // The argument reached echo as one argv element, as written: no shell expanded it.
        Assert.Contains("restart EU $(reboot); `id`", run.Output, StringComparison.Ordinal);
        Assert.StartsWith("exit code 0", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKilledRunnersJobIsLostAndASecondRunnerNeverRunsAJobTwice()
    {
        await ScriptAsync("sleep-renderer", "/bin/sleep", "60");
        await ScriptAsync("echo-renderer", "/bin/echo", "run", "{{region}}");
        var token = await TokenAsync("billing-eu-1");
        var sleeping = await QueueAsync("sleep-renderer");
        using (var first = new RunnerProcess(Url, token, "/bin/sleep", "/bin/echo"))
        {
            await UntilAsync(async () => (await RunAsync(sleeping)).State == RunState.Running, 30, first);
            first.Kill();
        }
        // Nobody renews the lease; once it has run out the run is lost, and stays lost.
        Assert.Equal(RunState.Running, (await RunAsync(sleeping)).State);
        _h.Portal.Clock.Advance(RunProcessingLease + TimeSpan.FromSeconds(1));
        await _h.ProcessAsync();
        var lost = await RunAsync(sleeping);
        Assert.Equal(RunState.Lost, lost.State);
        Assert.Contains("stopped renewing its lease", lost.Reason, StringComparison.Ordinal);

        // Two runners, eight jobs: every job runs once, on one of them.
        var ids = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await QueueAsync("echo-renderer"));
        }
        using var second = new RunnerProcess(Url, token, "/bin/sleep", "/bin/echo");
        using var third = new RunnerProcess(Url, await TokenAsync("billing-eu-2"), "/bin/echo");
        await UntilAsync(async () => (await _h.RunsAsync()).Where(r => ids.Contains(r.Id)).All(r => r.State == RunState.Succeeded), 60, second, third);
        var ran = ids.Select(id => (Second: second.Output.Contains($"Running job {id}:", StringComparison.Ordinal), Third: third.Output.Contains($"Running job {id}:", StringComparison.Ordinal))).ToList();
        Assert.All(ran, r => Assert.True(r.Second ^ r.Third, "each job ran on exactly one runner"));
        Assert.DoesNotContain($"Running job {sleeping}:", second.Output + third.Output, StringComparison.Ordinal);
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        foreach (var id in ids)
        {
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Target == $"run {id} (echo-renderer)" && a.Action == "automation.run.dispatched", Ct));
        }
        Assert.Equal(RunState.Lost, (await RunAsync(sleeping)).State);
    }

    [Fact]
    public async Task ARevokedTokenIsRefusedAndAudited()
    {
        var token = await TokenAsync("billing-eu-1");
        using (var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle))
        {
            var id = (await (await admin.GetAsync(HttpExtensions.Url("/api/automation/runners"), Ct)).JsonAsync())[0].GetProperty("id").GetInt32();
            Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/automation/runners/{id}/revoke", new { })).StatusCode);
        }
        using var runner = new RunnerProcess(Url, token, "/bin/echo");
        await Eventually.TrueAsync(() => runner.HasExited, seconds: 30);
        Assert.Contains("refused this runner's token", runner.Output, StringComparison.Ordinal);
        using var forger = _h.Portal.AnonymousClient();
        forger.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "prn_forged");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.PostAsync(HttpExtensions.Url("/api/runner/jobs/next"), null, Ct)).StatusCode);
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "automation.runner-rejected", Ct));
    }

    /// <summary>Waits for the condition; when it does not come, the runners' own words are in the failure.</summary>
    private static async Task UntilAsync(Func<Task<bool>> condition, int seconds, params RunnerProcess[] runners)
    {
        try
        {
            await Eventually.TrueAsync(condition, seconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Assert.Fail($"{e.Message}\n{string.Join("\n---\n", runners.Select(r => r.Output))}");
        }
    }

    private static readonly TimeSpan RunProcessingLease = Portal.Features.Automation.RunProcessing.RunnerLease;
}
