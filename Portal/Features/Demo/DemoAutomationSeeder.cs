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

    /// <summary>The renderer incidents the automation history adds to the demo's incident history.</summary>
    public const int HistoryIncidents = 6;

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
                Region = RegionCode.JP, CreatedAt = now.AddDays(-60),
            });
        }
        db.HealingRules.Add(new HealingRule
        {
            Name = "A wedged invoice renderer restarts itself", ServiceSlug = "invoicing", AlertClass = RendererClass, ActionId = actions["restart-invoice-renderer"].Action.Id,
            Inputs = new() { ["region"] = "JP" }, Enabled = true, CreatedAt = now.AddDays(-59),
        });
        db.WorkflowRules.Add(new WorkflowRule
        {
            Name = "Severe invoicing trouble: renderer first", Event = RuleEvent.IncidentCreated,
            Condition = "incident.service == 'invoicing' && incident.severity in ['SEV1', 'SEV2'] && !('alert' in incident.tags)",
            Steps = [new RuleStep(RuleStepKind.Comment, "Invoicing at SEV1/SEV2: check the renderer first (runbook \"Invoice PDFs fail to render\", its \"Run: restart-invoice-renderer\" step).")],
            Enabled = true, EnabledAt = now.AddDays(-30), CreatedAt = now.AddDays(-30), Version = 1,
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
            Limits = new ActionLimits(MaxConcurrent: 1, MaxErrors: 3, CooldownMinutes: 2, MaxAutomaticPerHour: 3), TimeoutSeconds = 30, MinutesSaved = 25,
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
            Limits = new ActionLimits(MaxConcurrent: 1, MaxErrors: 2, CooldownMinutes: 10, MaxAutomaticPerHour: 0, RequiresApproval: true), TimeoutSeconds = 60, MinutesSaved = 40,
        });
        yield return ("purge-promotion-cache", new ActionDefinition
        {
            Name = "Purge the promotion cache", Description = "Empties the promotion eligibility cache of one region, so new coupon rules apply at once.",
            Kind = ActionKind.Http, Risk = RiskTier.Low, Services = ["promotions"], Inputs = [region],
            Http = new HttpSpec("POST", billing + "/promotions/cache/purge", Body: "{\"region\": \"{{region}}\"}"),
            Limits = new ActionLimits(MaxConcurrent: 2, MaxErrors: 3, CooldownMinutes: 5, MaxAutomaticPerHour: 2), TimeoutSeconds = 20, MinutesSaved = 10,
        });
    }

    /// <summary>Runs on past incidents as they would have been written: the run and its timeline lines.</summary>
    private static async Task SeedHistoryAsync(PortalDbContext db, DemoWorld world, Dictionary<string, (AutomationAction Action, ActionDefinition Definition)> actions,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var onCall = world.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP);
        var probe = await db.Integrations.FirstAsync(i => i.Name == ProbeName, cancellationToken);
        var rule = await db.HealingRules.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync(cancellationToken);
        var jpTeam = await db.Teams.Where(t => t.Slug == DemoWorld.TeamSlug(RegionCode.JP)).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken);
        var targets = await Incidents.IncidentQueries.TargetsAsync(db, Severity.SEV3, cancellationToken);
        var tokyo = NodaTime.DateTimeZoneProviders.Tzdb["Asia/Tokyo"];
        foreach (var (daysAgo, outcome) in new[] { (15, "healed"), (12, "breaker"), (9, "healed"), (6, "rolled back"), (3, "healed"), (1, "healed") })
        {
            // The renderer wedges around 03:00 in Tokyo, when the night's invoices render.
            var day = NodaTime.Instant.FromDateTimeOffset(now.AddDays(-daysAgo)).InZone(tokyo).Date;
            var at = tokyo.AtStrictly(day.At(new NodaTime.LocalTime(3, 4 + daysAgo % 7))).ToDateTimeOffset().ToUniversalTime();
            var incident = new Incident
            {
                Title = "Invoice PDFs fail to render in Japan", Severity = Severity.SEV3, ServiceId = probe.ServiceId, TeamId = jpTeam, Region = RegionCode.JP, Tags = ["alert"],
            };
            db.Incidents.Add(incident);
            var monitor = IncidentActor.Monitor(ProbeName);
            db.Timeline.AddRange(IncidentWorkflow.Open(incident, monitor, at));
            db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.AlertTriggered, monitor, at, incident.Title));
            var alert = new Alert
            {
                IntegrationId = probe.Id, DedupKey = "renderer-jp", Status = AlertStatus.Resolved, Incident = incident, Summary = incident.Title, Source = "renderer-probe",
                Labels = new() { ["class"] = RendererClass, ["component"] = "pdf-renderer" }, Count = 1, FirstSeenAt = at, LastSeenAt = at,
            };
            db.Alerts.Add(alert);
            await db.SaveChangesAsync(cancellationToken);
            var run = Run(actions["restart-invoice-renderer"], incident, RunTrigger.SelfHealing, at.AddSeconds(4), new() { ["region"] = "JP" });
            (run.AlertId, run.HealingRuleId) = (alert.Id, rule);
            var healed = outcome == "healed";
            var end = HealLines(db, incident, run, outcome);
            await db.SaveChangesAsync(cancellationToken);
            if (healed)
            {
                (alert.ResolvedAt, alert.LastSeenAt) = (end.AddSeconds(-10), end.AddSeconds(-10));
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.AlertResolved, monitor, end.AddSeconds(-10), "Invoice PDFs render again"));
                db.Timeline.AddRange(IncidentWorkflow.Step(incident, IncidentAction.Resolve, IncidentActor.Monitor("Automation"), targets, end,
                    $"Remediated automatically: the alert resolved after restart-invoice-renderer ran (run #{run.Id})."));
            }
            else
            {
                // People take over: paged, acknowledged, fixed by hand.
                var person = new IncidentActor(ids[onCall.Handle], onCall.Name);
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Paged, IncidentActor.Monitor("Escalation"), end.AddSeconds(8), $"Level 1 paged {onCall.Name}."));
                db.Timeline.AddRange(IncidentWorkflow.Step(incident, IncidentAction.Acknowledge, person, targets, end.AddMinutes(4)));
                (alert.ResolvedAt, alert.LastSeenAt) = (end.AddMinutes(38), end.AddMinutes(38));
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.AlertResolved, monitor, end.AddMinutes(38), "Invoice PDFs render again"));
                db.Timeline.AddRange(IncidentWorkflow.Step(incident, IncidentAction.Resolve, person, targets, end.AddMinutes(40),
                    "A font package was missing from the new renderer image; pinned the previous image and reopened the deploy ticket."));
            }
            await db.SaveChangesAsync(cancellationToken);
        }
        await SeedReplaysAsync(db, world, actions["replay-settlement-batch"], ids, now, cancellationToken);
    }

    /// <summary>A self-healing run's lines as the portal writes them; returns when it ended (verified, or handed to people).</summary>
    private static DateTimeOffset HealLines(PortalDbContext db, Incident incident, ActionRun run, string outcome)
    {
        if (outcome == "breaker")
        {
            (run.State, run.RefusedBy, run.FinishedAt) = (RunState.Refused, Guardrail.CircuitBreaker, run.RequestedAt);
            run.Reason = "It ran by itself 3 times on invoicing in the last hour (at most 3): the breaker is open and a person is paged instead.";
            db.ActionRuns.Add(run);
            db.SaveChanges();
            Lines(db, incident, run, null, null,
                (run.RequestedAt, "refused", $"Self-healing (A wedged invoice renderer restarts itself) for \"{incident.Title}\": Refused by the circuit breaker guardrail: {run.Reason}"),
                (run.RequestedAt.AddSeconds(1), "refused", "Self-healing did not fix it (tried restart-invoice-renderer: refused); paging people now."));
            return run.RequestedAt.AddSeconds(1);
        }
        var healed = outcome == "healed";
        var started = run.RequestedAt.AddSeconds(2);
        var end = healed ? run.RequestedAt.AddMinutes(2).AddSeconds(40) : started.AddMinutes(5).AddSeconds(10);
        Finish(run, healed ? RunState.Succeeded : RunState.RolledBack, started.AddSeconds(6), healed ? Verification.Verified : Verification.NotVerified,
            "HTTP 200 OK\n{\"restarted\":\"JP\",\"pods\":3}");
        (run.DispatchedAt, run.StartedAt) = (started, started);
        db.ActionRuns.Add(run);
        db.SaveChanges();
        var lines = new List<(DateTimeOffset, string, string)>
        {
            (run.RequestedAt, "queued", $"Self-healing (A wedged invoice renderer restarts itself) for \"{incident.Title}\": Queued (self-healing on invoicing)."),
            (started, "dispatched", "Dispatched to the portal's HTTP sender."),
            (started, "running", $"Running: {run.Preview!.Split('\n')[0]}"),
            (started.AddSeconds(6), "succeeded", "Succeeded: HTTP 200 OK. Verifying within 5 min."),
        };
        if (healed)
        {
            lines.Add((end, "succeeded", $"Remediated automatically: the alert \"{incident.Title}\" resolved after restart-invoice-renderer ran."));
        }
        else
        {
            lines.Add((end, "succeeded", "Not verified within 5 min: the alert is still firing. Rolling back with restore-invoice-renderer."));
            lines.Add((end.AddSeconds(5), "rolled back", "Rolled back by restore-invoice-renderer."));
            lines.Add((end.AddSeconds(6), "rolled back", "Self-healing did not fix it (tried restart-invoice-renderer: rolled back, not verified); paging people now."));
        }
        Lines(db, incident, run, null, null, [.. lines]);
        return end;
    }

    /// <summary>A replay an engineer asked for from the settlement runbook and a manager approved, on two past payment incidents.</summary>
    private static async Task SeedReplaysAsync(PortalDbContext db, DemoWorld world, (AutomationAction Action, ActionDefinition Definition) replay, Dictionary<string, int> ids,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var engineer = world.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        var manager = world.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
        var payments = await db.Incidents.AsNoTracking().Where(i => i.Service!.Slug == "payments" && i.ResolvedAt != null && i.TriggeredAt < now.AddDays(-1))
            .OrderByDescending(i => i.TriggeredAt).Take(2).ToListAsync(cancellationToken);
        foreach (var incident in payments)
        {
            var at = incident.TriggeredAt.AddMinutes(12);
            var run = Run(replay, incident, RunTrigger.Manual, at, new() { ["batch"] = "48213", ["region"] = "EU" });
            (run.RequestedById, run.RequestedBy, run.ApprovedById, run.ApprovedBy, run.ApprovedAt) = (ids[engineer.Handle], engineer.Name, ids[manager.Handle], manager.Name, at.AddMinutes(4));
            Finish(run, RunState.Succeeded, at.AddMinutes(5), Verification.Verified, "HTTP 200 OK\n{\"batch\":48213,\"replayed\":true}");
            (run.DispatchedAt, run.StartedAt) = (at.AddMinutes(4), at.AddMinutes(4));
            db.ActionRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
            Lines(db, incident, run, engineer.Name, ids[engineer.Handle],
                (at, "awaiting approval", "Awaiting approval: This action needs an approval from someone other than the requester first."));
            Lines(db, incident, run, manager.Name, ids[manager.Handle], (at.AddMinutes(4), "queued", $"Approved by {manager.Name}. Queued (by a person on payments)."));
            Lines(db, incident, run, null, null,
                (at.AddMinutes(4), "dispatched", "Dispatched to the portal's HTTP sender."),
                (at.AddMinutes(4), "running", $"Running: {run.Preview!.Split('\n')[0]}"),
                (at.AddMinutes(5), "succeeded", "Succeeded: HTTP 200 OK. Verifying within 10 min."),
                (at.AddMinutes(7), "succeeded", "Verified: the settlement batch answered 200."));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ActionRun Run((AutomationAction Action, ActionDefinition Definition) action, Incident incident, RunTrigger trigger, DateTimeOffset at,
        Dictionary<string, string> inputs) => new()
    {
        ActionId = action.Action.Id, ActionSlug = action.Action.Slug, ActionVersion = 1, Trigger = trigger, IncidentNumber = incident.Number, Inputs = inputs,
        TargetService = action.Definition.Services[0], RequestedBy = "Automation", RequestedAt = at, IdempotencyKey = Guid.NewGuid().ToString("N"), Version = 1,
        Runner = "portal", Preview = ActionPlans.Render(action.Definition, inputs, incident.Number, action.Definition.Services[0]).Describe(),
    };

    private static void Finish(ActionRun run, RunState state, DateTimeOffset at, Verification verification, string output) =>
        (run.State, run.FinishedAt, run.Verification, run.Output) = (state, at, verification, output);

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
