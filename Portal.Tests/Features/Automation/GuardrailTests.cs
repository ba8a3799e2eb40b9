using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>
/// Each guardrail refuses through the API with which and why, against the fake billing service, on a fake clock; the
/// automation processor sleeps, so each test takes the rounds itself.
/// </summary>
public sealed class GuardrailTests : IAsyncLifetime
{
    private AutomationHarness _h = default!;

    public async ValueTask InitializeAsync() => _h = await AutomationHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RunAsync(string handle, string action = "restart-renderer", bool dryRun = false,
        object? inputs = null, string? service = null) =>
        _h.RequestAsync(handle, new { action, dryRun, inputs = inputs ?? new { region = "EU" }, service });

    private static void Refused((HttpStatusCode Status, System.Text.Json.JsonElement Body) answer, Guardrail guardrail, string why)
    {
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(nameof(RunState.Refused), answer.Body.GetProperty("state").GetString());
        Assert.Equal(guardrail.ToString(), answer.Body.GetProperty("refusedBy").GetString());
        Assert.Contains(why, answer.Body.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private async Task<string> StateAsync(long id)
    {
        using var client = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle);
        return (await (await client.GetAsync(HttpExtensions.Url($"/api/automation/runs/{id}"), Ct)).JsonAsync()).GetProperty("state").GetString()!;
    }

    [Fact]
    public async Task ADryRunShowsExactlyWhatWouldBeSentAndSendsNothing()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart(), promote: false);
        var (status, run) = await RunAsync(AutomationHarness.Engineer.Handle, dryRun: true, inputs: new { region = "JP" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("Succeeded", true), (run.GetProperty("state").GetString(), run.GetProperty("dryRun").GetBoolean()));
        Assert.Contains($"POST {_h.Billing.BaseUrl}/renderer/restart", run.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"region\": \"JP\"", run.GetProperty("preview").GetString(), StringComparison.Ordinal);
        await _h.ProcessAsync();
        Assert.Empty(_h.Billing.Requests);

        // The same version for real: not promoted yet, so refused; once an admin promotes it, it goes.
        Refused(await RunAsync(AutomationHarness.Engineer.Handle), Guardrail.NotPromoted, "has not been promoted by an admin");
        using (var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle))
        {
            // Editing and promoting are separate permissions: a manager edits, only an admin promotes (and the refusal is audited).
            Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostJsonAsync("/api/automation/actions/restart-renderer/promote/1", new { })).StatusCode);
        }
        using (var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PutJsonAsync("/api/automation/actions/restart-renderer", _h.Restart())).StatusCode);
        }
        using (var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync("/api/automation/actions/restart-renderer/promote/1", new { })).StatusCode);
        }
        var (_, queued) = await RunAsync(AutomationHarness.Engineer.Handle);
        Assert.Equal("Queued", queued.GetProperty("state").GetString());
        await _h.ProcessAsync();
        Assert.Equal("Succeeded", await StateAsync(queued.GetProperty("id").GetInt64()));
        Assert.Equal(1, _h.Billing.Restarts);
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "access.denied" && a.Target!.Contains("restart-renderer"), Ct));
    }

    [Fact]
    public async Task ARequesterCannotApproveAndAnotherManagerCan()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart(risk: "High"));
        var (_, run) = await RunAsync(AutomationHarness.Manager.Handle);
        Assert.Equal("AwaitingApproval", run.GetProperty("state").GetString());
        var id = run.GetProperty("id").GetInt64();

        using (var self = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle))
        {
            var own = await self.PostJsonAsync($"/api/automation/runs/{id}/approve", new { });
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
            Assert.Contains("someone else approves it", await own.ProblemTextAsync(), StringComparison.Ordinal);
        }
        using (var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync($"/api/automation/runs/{id}/approve", new { })).StatusCode);
        }
        using (var other = await _h.Portal.SignedInClientAsync(AutomationHarness.OtherManager.Handle))
        {
            var approved = await other.PostJsonAsync($"/api/automation/runs/{id}/approve", new { });
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            Assert.Equal("Queued", (await approved.JsonAsync()).GetProperty("state").GetString());
        }
        await _h.ProcessAsync();
        Assert.Equal("Succeeded", await StateAsync(id));
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "access.denied" && a.Target == $"run {id}" && a.Detail!.Contains("someone else approves it"), Ct));
    }

    [Fact]
    public async Task AnApprovalExpiresAfterThirtyMinutes()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart(approval: true));
        var (_, run) = await RunAsync(AutomationHarness.Engineer.Handle);
        var id = run.GetProperty("id").GetInt64();
        Assert.Equal("AwaitingApproval", run.GetProperty("state").GetString());
        Assert.Contains("needs an approval from someone other than the requester", run.GetProperty("reason").GetString(), StringComparison.Ordinal);

        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(31));
        await _h.ProcessAsync();
        Assert.Equal("Expired", await StateAsync(id));
        using var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle);
        var late = await manager.PostJsonAsync($"/api/automation/runs/{id}/approve", new { });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("nothing to approve", await late.ProblemTextAsync(), StringComparison.Ordinal);
        Assert.Empty(_h.Billing.Requests);
    }

    [Fact]
    public async Task TheKillSwitchesCancelQueuedAndWaitingRunsAndRefuseNewOnes()
    {
        // A script run waits in the queue for a runner; an approval waits for a manager.
        await _h.SaveAsync("echo-renderer", new
        {
            name = "Echo the renderer's region", kind = "Script", risk = "Low", services = new[] { "invoicing" },
            inputs = new object[] { new { name = "region", type = "Text" } },
            script = new { command = "/bin/echo", arguments = new[] { "restart", "{{region}}" } },
            verify = new { kind = "None" }, limits = new { maxConcurrent = 5 }, timeoutSeconds = 10,
        });
        await _h.SaveAsync("restart-renderer", _h.Restart(approval: true));
        var (_, queued) = await RunAsync(AutomationHarness.Engineer.Handle, "echo-renderer");
        var (_, waiting) = await RunAsync(AutomationHarness.Engineer.Handle);
        Assert.Equal(("Queued", "AwaitingApproval"), (queued.GetProperty("state").GetString(), waiting.GetProperty("state").GetString()));

        using (var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutJsonAsync("/api/automation/switches/kill", new { killed = true })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await manager.PostJsonAsync("/api/automation/actions/restart-renderer/kill", new { })).StatusCode);
        }
        Assert.Equal(("Queued", "Cancelled"), (await StateAsync(queued.GetProperty("id").GetInt64()), await StateAsync(waiting.GetProperty("id").GetInt64())));
        Refused(await RunAsync(AutomationHarness.Engineer.Handle), Guardrail.ActionKillSwitch, "This action is switched off");

        using (var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync("/api/automation/switches/kill", new { killed = true })).StatusCode);
        }
        Assert.Equal("Cancelled", await StateAsync(queued.GetProperty("id").GetInt64()));
        Refused(await RunAsync(AutomationHarness.Engineer.Handle, "echo-renderer"), Guardrail.GlobalKillSwitch, "switched off for the whole portal");
        // Even a dry-run stops at a kill switch.
        Refused(await RunAsync(AutomationHarness.Engineer.Handle, "echo-renderer", dryRun: true), Guardrail.GlobalKillSwitch, "the global kill switch");
        await _h.ProcessAsync();
        Assert.Empty(_h.Billing.Requests);
    }

    [Fact]
    public async Task ConcurrencyCooldownAndTheErrorBudgetEachRefuseWithTheirReason()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart(cooldown: 10, maxErrors: 2, timeoutSeconds: 2));
        var (_, first) = await RunAsync(AutomationHarness.Engineer.Handle);
        await _h.ProcessAsync();
        Assert.Equal("Succeeded", await StateAsync(first.GetProperty("id").GetInt64()));
        Refused(await RunAsync(AutomationHarness.Engineer.Handle), Guardrail.Cooldown, "the cooldown has 10 min left");

        // A wrong secret at the receiver: each run fails; after two in a row the action stops.
        _h.Billing.Secret = "not-the-portal-secret";
        for (var i = 0; i < 2; i++)
        {
            _h.Portal.Clock.Advance(TimeSpan.FromMinutes(11));
            var (_, failing) = await RunAsync(AutomationHarness.Engineer.Handle);
            await _h.ProcessAsync();
            Assert.Equal("Failed", await StateAsync(failing.GetProperty("id").GetInt64()));
        }
        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(11));
        Refused(await RunAsync(AutomationHarness.Engineer.Handle), Guardrail.ErrorBudget, "The last 2 runs failed");
        using (var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await manager.PostJsonAsync("/api/automation/actions/restart-renderer/reset-errors", new { })).StatusCode);
        }

        // A slow receiver: the run holds the action's one slot; another is refused until it times out.
        _h.Billing.Secret = AutomationHarness.Secret;
        _h.Billing.Mode = RendererMode.Slow;
        var (_, slow) = await RunAsync(AutomationHarness.Engineer.Handle);
        var processing = _h.ProcessAsync();
        await Eventually.TrueAsync(async () => await StateAsync(slow.GetProperty("id").GetInt64()) == "Running");
        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(11));
        Refused(await RunAsync(AutomationHarness.Engineer.Handle), Guardrail.Concurrency, "1 run is under way; at most 1 at once");
        await processing;
        Assert.Equal("TimedOut", await StateAsync(slow.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task AnActionMayTouchOnlyItsServices()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart());
        Refused(await RunAsync(AutomationHarness.Engineer.Handle, service: "payments"), Guardrail.ServiceScope, "may touch invoicing, not payments");
        Assert.Empty(_h.Billing.Requests);
    }

    [Fact]
    public async Task OnlyAnAdminReadsTheSigningSecretAsAnObjectNamingIt()
    {
        using (var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle))
        {
            var answer = await admin.GetAsync(HttpExtensions.Url("/api/automation/signing-secret"), Ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(AutomationHarness.Secret, (await answer.JsonAsync()).GetProperty("secret").GetString());
        }
        using var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync(HttpExtensions.Url("/api/automation/signing-secret"), Ct)).StatusCode);
    }
}
