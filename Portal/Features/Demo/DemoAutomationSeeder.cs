using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Automation;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>
/// The demo world's automation: actions against the demo billing service (restart the invoice renderer, restore it,
/// replay a stuck settlement batch, purge a promotion cache), promoted by the admin; one self-healing rule; a
/// month-end freeze for Japan; and a history of runs on past incidents, each on its timeline: heals that verified,
/// one that rolled back, one the breaker stopped, and a replay a person asked for and a manager approved.
/// </summary>
public static class DemoAutomationSeeder
{
    /// <summary>The renderer probe's key: Demo:Traffic fires its alert now and then, and the demo billing service resolves it after a restart.</summary>
    public const string ProbeKey = "de40de40de40de40de40de40de40de40";
    public const string ProbeName = "Invoice renderer probe";
    public const string RendererClass = "invoice_pdf_errors";

    public static async Task SeedAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, string billingUrl, CancellationToken cancellationToken)
    {
        if (await db.AutomationActions.AnyAsync(cancellationToken))
        {
            return;
        }
        var admin = world.People.First(p => p.Role == PortalRole.Admin).Name;
        var manager = world.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU).Name;
        var actions = new Dictionary<string, (AutomationAction Action, ActionDefinition Definition)>();
        foreach (var (slug, definition) in Actions(billingUrl))
        {
            var action = new AutomationAction { Slug = slug, Name = definition.Name, LatestVersion = 1, PromotedVersion = 1, CreatedAt = now.AddDays(-60), UpdatedAt = now.AddDays(-60), Version = 1 };
            db.AutomationActions.Add(action);
            await db.SaveChangesAsync(cancellationToken);
            db.ActionVersions.Add(new ActionVersion
            {
                ActionId = action.Id, Number = 1, Definition = definition, CreatedBy = manager, CreatedAt = now.AddDays(-60), PromotedBy = admin, PromotedAt = now.AddDays(-59),
            });
            actions[slug] = (action, definition);
        }
        var invoicing = await db.Services.Where(s => s.Slug == "invoicing").Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);
        if (!await db.Integrations.AnyAsync(i => i.Name == ProbeName, cancellationToken))
        {
            db.Integrations.Add(new Integration
            {
                Name = ProbeName, Kind = IntegrationKind.EventsV2, KeyHash = IntegrationKeys.Hash(ProbeKey), KeyHint = IntegrationKeys.Hint(ProbeKey), ServiceId = invoicing,
                Region = RegionCode.EU, CreatedAt = now.AddDays(-60),
            });
        }
        db.HealingRules.Add(new HealingRule
        {
            Name = "A wedged invoice renderer restarts itself", ServiceSlug = "invoicing", AlertClass = RendererClass, ActionId = actions["restart-invoice-renderer"].Action.Id,
            Inputs = new() { ["region"] = "EU" }, Enabled = true, CreatedAt = now.AddDays(-59),
        });
        db.AutomationSettings.Add(new AutomationSettings
        {
            Id = 1, Version = 1, Freezes = [new FreezeWindow("Month-end close (JP)", RegionCode.JP, LastDaysOfMonth: 2, TimeZone: "Asia/Tokyo")],
        });
        await db.SaveChangesAsync(cancellationToken);
        await SeedHistoryAsync(db, world, actions, now, cancellationToken);
    }

    private static IEnumerable<(string Slug, ActionDefinition Definition)> Actions(string billing)
    {
        ActionInput region = new("region", InputType.Choice, Choices: ["US", "EU", "JP", "MX", "AU"], Default: "EU");
        yield return ("restart-invoice-renderer", new ActionDefinition
        {
            Name = "Restart the invoice renderer", Description = "Restarts the PDF renderer pods of one region; invoices queued meanwhile render once it is back.",
            Kind = ActionKind.Http, Risk = RiskTier.Low, Services = ["invoicing"], Inputs = [region],
            Http = new HttpSpec("POST", billing + "/renderer/restart", Body: "{\"region\": \"{{region}}\", \"incident\": \"{{incident}}\"}"),
            Verify = new VerifySpec(VerifyKind.AlertResolves, WithinMinutes: 5), Rollback = "restore-invoice-renderer",
            Limits = new ActionLimits(MaxConcurrent: 1, MaxErrors: 3, Cooldown: TimeSpan.FromMinutes(2), MaxAutomaticPerHour: 3), TimeoutSeconds = 30, MinutesSaved = 25,
        });
        yield return ("restore-invoice-renderer", new ActionDefinition
        {
            Name = "Restore the previous invoice renderer", Description = "Rolls the renderer back to the last release that rendered cleanly.",
            Kind = ActionKind.Http, Risk = RiskTier.Low, Services = ["invoicing"], Inputs = [region],
            Http = new HttpSpec("POST", billing + "/renderer/restore", Body: "{\"region\": \"{{region}}\"}"),
            Limits = new ActionLimits(MaxConcurrent: 1, MaxErrors: 3, MaxAutomaticPerHour: 5), TimeoutSeconds = 30, MinutesSaved = 15,
        });
        yield return ("replay-settlement-batch", new ActionDefinition
        {
            Name = "Replay a stuck settlement batch", Description = "Sends one settlement batch to the acquirer again; the acquirer drops batches it has already settled.",
            Kind = ActionKind.Http, Risk = RiskTier.Medium, Services = ["payments"],
            Inputs = [new ActionInput("batch", InputType.WholeNumber, Min: 1, Max: 999_999), region],
            Http = new HttpSpec("POST", billing + "/settlements/{{batch}}/replay", Body: "{\"region\": \"{{region}}\"}"),
            Verify = new VerifySpec(VerifyKind.HttpCheck, billing + "/settlements/{{batch}}", 200, 10),
            Limits = new ActionLimits(MaxConcurrent: 1, MaxErrors: 2, Cooldown: TimeSpan.FromMinutes(10), MaxAutomaticPerHour: 0, RequiresApproval: true), TimeoutSeconds = 60, MinutesSaved = 40,
        });
        yield return ("purge-promotion-cache", new ActionDefinition
        {
            Name = "Purge the promotion cache", Description = "Empties the promotion eligibility cache of one region, so new coupon rules apply at once.",
            Kind = ActionKind.Http, Risk = RiskTier.Low, Services = ["promotions"], Inputs = [region],
            Http = new HttpSpec("POST", billing + "/promotions/cache/purge", Body: "{\"region\": \"{{region}}\"}"),
            Limits = new ActionLimits(MaxConcurrent: 2, MaxErrors: 3, Cooldown: TimeSpan.FromMinutes(5), MaxAutomaticPerHour: 2), TimeoutSeconds = 20, MinutesSaved = 10,
        });
    }

    /// <summary>Runs on past incidents as they would have been written: the run, its timeline lines and its audit rows.</summary>
    private static async Task SeedHistoryAsync(PortalDbContext db, DemoWorld world, Dictionary<string, (AutomationAction Action, ActionDefinition Definition)> actions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var invoicing = await db.Incidents.AsNoTracking().Where(i => i.Service!.Slug == "invoicing" && i.ResolvedAt != null && i.TriggeredAt < now.AddDays(-1))
            .OrderByDescending(i => i.TriggeredAt).Take(6).ToListAsync(cancellationToken);
        var payments = await db.Incidents.AsNoTracking().Where(i => i.Service!.Slug == "payments" && i.ResolvedAt != null && i.TriggeredAt < now.AddDays(-1))
            .OrderByDescending(i => i.TriggeredAt).Take(2).ToListAsync(cancellationToken);
        var engineer = world.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        var manager = world.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
        var ids = await db.People.AsNoTracking().Where(p => p.Handle == engineer.Handle || p.Handle == manager.Handle).ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        for (var i = 0; i < invoicing.Count; i++)
        {
            var incident = invoicing[i];
            var outcome = i switch { 1 => "rolled back", 4 => "breaker", _ => "healed" };
            await HealAsync(db, incident, actions, outcome, cancellationToken);
        }
        foreach (var incident in payments)
        {
            var at = incident.TriggeredAt.AddMinutes(12);
            var run = Run(actions["replay-settlement-batch"], incident, RunTrigger.Manual, at, new() { ["batch"] = "48213", ["region"] = "EU" });
            (run.RequestedById, run.RequestedBy, run.ApprovedById, run.ApprovedBy, run.ApprovedAt) = (ids[engineer.Handle], engineer.Name, ids[manager.Handle], manager.Name, at.AddMinutes(4));
            Finish(run, RunState.Succeeded, at.AddMinutes(4), Verification.Verified, "HTTP 200 OK\n{\"batch\":48213,\"replayed\":true}");
            db.ActionRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
            Lines(db, incident, run, engineer.Name, ids[engineer.Handle],
                (at, "awaiting approval", "Awaiting approval: This action needs an approval from someone other than the requester first."),
                (at.AddMinutes(4), "queued", $"Approved by {manager.Name}. Queued (manual on payments)."),
                (at.AddMinutes(4), "dispatched", "Dispatched to the portal's HTTP sender."),
                (at.AddMinutes(4), "running", $"Running: {run.Preview!.Split('\n')[0]}"),
                (at.AddMinutes(5), "succeeded", "Succeeded: HTTP 200 OK. Verifying within 10 min."),
                (at.AddMinutes(7), "succeeded", "Verified: the settlement batch answered 200."));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task HealAsync(PortalDbContext db, Incident incident, Dictionary<string, (AutomationAction Action, ActionDefinition Definition)> actions, string outcome, CancellationToken cancellationToken)
    {
        var at = incident.TriggeredAt.AddSeconds(20);
        var run = Run(actions["restart-invoice-renderer"], incident, RunTrigger.SelfHealing, at, new() { ["region"] = "EU" });
        if (outcome == "breaker")
        {
            (run.State, run.RefusedBy, run.FinishedAt) = (RunState.Refused, Guardrail.CircuitBreaker, at);
            run.Reason = "It ran by itself 3 times on invoicing in the last hour (at most 3): the breaker is open and a person is paged instead.";
            db.ActionRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
            Lines(db, incident, run, null, null, (at, "refused", $"Self-healing (A wedged invoice renderer restarts itself): Refused by the circuit breaker guardrail: {run.Reason}"));
            return;
        }
        var healed = outcome == "healed";
        Finish(run, healed ? RunState.Succeeded : RunState.RolledBack, at.AddSeconds(8), healed ? Verification.Verified : Verification.NotVerified,
            "HTTP 200 OK\n{\"restarted\":\"EU\",\"pods\":3}");
        db.ActionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        var lines = new List<(DateTimeOffset, string, string)>
        {
            (at, "queued", "Self-healing (A wedged invoice renderer restarts itself) for \"Invoice PDFs fail to render\": Queued (selfhealing on invoicing)."),
            (at.AddSeconds(2), "dispatched", "Dispatched to the portal's HTTP sender."),
            (at.AddSeconds(2), "running", $"Running: {run.Preview!.Split('\n')[0]}"),
            (at.AddSeconds(8), "succeeded", "Succeeded: HTTP 200 OK. Verifying within 5 min."),
        };
        if (healed)
        {
            lines.Add((at.AddMinutes(3), "succeeded", "Remediated automatically: the alert \"Invoice PDFs fail to render\" resolved after restart-invoice-renderer ran."));
        }
        else
        {
            lines.Add((at.AddMinutes(5), "succeeded", "Not verified within 5 min: the alert is still firing. Rolling back with restore-invoice-renderer."));
            lines.Add((at.AddMinutes(5).AddSeconds(4), "rolled back", "Rolled back by restore-invoice-renderer."));
            lines.Add((at.AddMinutes(5).AddSeconds(5), "rolled back", "Self-healing did not fix it (tried restart-invoice-renderer: rolled back, not verified); paging people now."));
        }
        Lines(db, incident, run, null, null, [.. lines]);
    }

    private static ActionRun Run((AutomationAction Action, ActionDefinition Definition) action, Incident incident, RunTrigger trigger, DateTimeOffset at,
        Dictionary<string, string> inputs) => new()
    {
        ActionId = action.Action.Id, ActionSlug = action.Action.Slug, ActionVersion = 1, Trigger = trigger, IncidentNumber = incident.Number, Inputs = inputs,
        TargetService = action.Definition.Services[0], RequestedBy = "Automation", RequestedAt = at, IdempotencyKey = Guid.NewGuid().ToString("N"), Version = 1,
        Runner = "portal", Preview = ActionPlans.Render(action.Definition, inputs, incident.Number, action.Definition.Services[0]).Describe(),
    };

    private static void Finish(ActionRun run, RunState state, DateTimeOffset at, Verification verification, string output)
    {
        (run.State, run.DispatchedAt, run.StartedAt, run.FinishedAt, run.Verification, run.Output) = (state, at, at, at, verification, output);
    }

    private static void Lines(PortalDbContext db, Incident incident, ActionRun run, string? actor, int? actorId, params (DateTimeOffset At, string State, string What)[] lines)
    {
        foreach (var (at, state, what) in lines)
        {
            db.Timeline.Add(new TimelineEvent
            {
                IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = TimelineEventKind.Automation, ActorId = actorId, ActorName = actor ?? "Automation",
                At = at, Text = $"{what} — {run.ActionSlug} v1, run #{run.Id}", From = $"run {run.Id}", To = state,
            });
        }
    }
}
