using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>Workflow rules: CEL conditions checked on save, a dry test on a past incident, steps in order, and no loops.</summary>
public sealed class WorkflowRuleTests : IAsyncLifetime
{
    private AutomationHarness _h = default!;

    public async ValueTask InitializeAsync() => _h = await AutomationHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Rule(string name, string condition, object[] steps, string on = "IncidentCreated", bool enabled = true) =>
        new { id = 0, name, @event = on, condition, steps, enabled };

    private async Task<(HttpStatusCode Status, string Text)> SaveAsync(object rule)
    {
        using var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle);
        var response = await manager.PostJsonAsync("/api/automation/rules", rule);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? "" : await response.ProblemTextAsync());
    }

    private async Task<long> IncidentAsync(string severity = "SEV2")
    {
        using var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle);
        var created = await engineer.PostJsonAsync("/api/incidents", new { title = "Invoice PDFs fail to render for EU", severity, service = "invoicing" });
        return (await created.JsonAsync()).GetProperty("number").GetInt64();
    }

    [Theory]
    [InlineData("incident.severity ==", "mismatched input")]
    [InlineData("incident.sevrity == 'SEV1'", "sevrity")]
    [InlineData("incident.number + 1", "must be true or false")]
    [InlineData("", "Write the condition")]
    [InlineData("incident.severity in ['SEV1', 'SEV2'] && !('alert' in incident.tags)", "")]
    public async Task ABadConditionOrAStepThatNamesNothingIsRefusedOnSave(string condition, string problem)
    {
        var (status, text) = await SaveAsync(Rule("Bad", condition, [new { kind = "Comment", value = "x" }, new { kind = "AttachRunbook", value = "no-such-runbook" }]));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'no-such-runbook' is not a runbook's slug", text, StringComparison.Ordinal);
        Assert.Contains(problem, text, StringComparison.Ordinal);
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        Assert.Empty(db.WorkflowRules);
    }

    [Fact]
    public async Task ARuleIsTestedOnAPastIncidentThenFiresOnANewOneWithItsStepsInOrder()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart(verify: "None"));
        var past = await IncidentAsync();
        var rule = Rule("Invoicing SEV2 goes up and restarts", "incident.service == 'invoicing' && incident.severity == 'SEV2' && 'alert' in incident.tags == false",
        [
            new { kind = "Comment", value = "Rendering trouble: the renderer restarts first." },
            new { kind = "SetSeverity", value = "SEV1" },
            new { kind = "Assign", value = AutomationHarness.OnCall.Handle },
            new { kind = "RunAction", value = "restart-renderer", inputs = new { region = "EU" } },
        ], enabled: false);
        using (var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle))
        {
            var test = await (await manager.PostJsonAsync($"/api/automation/rules/test?incident=INC-{past}", rule)).JsonAsync();
            Assert.True(test.GetProperty("holds").GetBoolean());
            Assert.Equal(["write on the timeline: \"Rendering trouble: the renderer restarts first.\"", "set the severity to SEV1", $"assign it to {AutomationHarness.OnCall.Handle}",
                "run restart-renderer with region=EU (through its guardrails)"], test.GetProperty("wouldDo").EnumerateArray().Select(e => e.GetString()));
        }
        // Nothing changed by the test; an engineer may not save rules.
        Assert.Equal(Severity.SEV2, (await _h.IncidentRowAsync(past)).Severity);
        using (var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync("/api/automation/rules", rule)).StatusCode);
        }
        await _h.ProcessAsync();
        // Switched on a minute later: it fires on changes from then on, not on the past incident.
        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(Rule("Invoicing SEV2 goes up and restarts", "incident.service == 'invoicing' && incident.severity == 'SEV2'",
        [
            new { kind = "Comment", value = "Rendering trouble: the renderer restarts first." },
            new { kind = "SetSeverity", value = "SEV1" },
            new { kind = "Assign", value = AutomationHarness.OnCall.Handle },
            new { kind = "Page", value = AutomationHarness.OnCall.Handle },
            new { kind = "AttachRunbook", value = "invoice-pdf-rendering-failures" },
            new { kind = "RunAction", value = "restart-renderer", inputs = new { region = "EU" } },
        ]))).Status);

        var number = await IncidentAsync();
        await _h.ProcessAsync();
        var incident = await _h.IncidentRowAsync(number);
        Assert.Equal(Severity.SEV1, incident.Severity);
        var timeline = await _h.TimelineAsync(number);
        var byRule = timeline.Where(t => t.ActorName == "Rule: Invoicing SEV2 goes up and restarts").Select(t => t.Kind).ToList();
        Assert.Equal([TimelineEventKind.Comment, TimelineEventKind.SeverityChanged, TimelineEventKind.Assigned, TimelineEventKind.Paged, TimelineEventKind.Comment,
            TimelineEventKind.Automation], byRule);
        Assert.Contains(timeline, t => t.Text == $"Runbook: [Invoice PDFs fail to render](/runbooks/invoice-pdf-rendering-failures?incident=INC-{number})");
        Assert.Equal(1, await _h.PagesAsync());
        var run = Assert.Single(await _h.RunsAsync());
        Assert.Equal((RunTrigger.Rule, RunState.Succeeded, number), (run.Trigger, run.State, run.IncidentNumber));
        // The rule's own changes (the severity, the assignment) did not fire it again; the past incident was never touched.
        await _h.ProcessAsync();
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.RuleFirings.CountAsync(Ct));
        Assert.Equal(Severity.SEV2, (await _h.IncidentRowAsync(past)).Severity);
    }

    [Fact]
    public async Task TwoRulesThatUndoEachOtherStopAtTheDepthLimit()
    {
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(Rule("Up", "incident.severity == 'SEV3'", [new { kind = "SetSeverity", value = "SEV2" }], "IncidentChanged"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await SaveAsync(Rule("Down", "incident.severity == 'SEV2'", [new { kind = "SetSeverity", value = "SEV3" }], "IncidentChanged"))).Status);
        await _h.ProcessAsync();
        var number = await IncidentAsync("SEV4");
        using (var engineer = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await engineer.PostJsonAsync($"/api/incidents/INC-{number}/severity", new { severity = "SEV3" })).StatusCode);
        }
        for (var round = 0; round < 5; round++)
        {
            await _h.ProcessAsync();
        }
        await using var db = await _h.Portal.Db.CreateDbContextAsync(Ct);
        var firings = await db.RuleFirings.Where(f => f.IncidentNumber == number).OrderBy(f => f.Id).ToListAsync(Ct);
        // Each rule's own change never fires it; the other's does, until the limit: then the rules stop and say so.
        Assert.Equal(WorkflowRules.DepthLimit, firings.Count(f => !f.Outcome.StartsWith("Stopped", StringComparison.Ordinal)));
        Assert.StartsWith("Stopped: rules fired", firings[^1].Outcome, StringComparison.Ordinal);
        await _h.ProcessAsync();
        Assert.Equal(firings.Count, await db.RuleFirings.CountAsync(f => f.IncidentNumber == number, Ct));
        Assert.Contains(await _h.TimelineAsync(number), t => t.Kind == TimelineEventKind.Comment && t.Text!.Contains("a loop between rules", StringComparison.Ordinal));
    }
}
