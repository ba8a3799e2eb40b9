using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Automation;

/// <summary>Where this node's rule engine has read the timeline to.</summary>
public sealed class RuleWatermark
{
    public long Value { get; set; } = -1;
}

/// <summary>
/// Runs the enabled workflow rules over each new change of an incident (read from the timeline, the record of every
/// change): a condition that holds does its steps in order, as "Rule: name", once per change on any number of
/// nodes (a unique firing row). A rule's own changes never fire it again, and past <see cref="WorkflowRules.DepthLimit"/>
/// firings on one incident in ten minutes rules stop there (a loop between rules) and say so.
/// </summary>
public sealed class WorkflowRuleEngine(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, RuleWatermark watermark,
    ILiveFeed feed, AutomationSignal signal, Notifications.NotificationService notifications, ILogger<WorkflowRuleEngine> logger)
{
    private static readonly TimelineEventKind[] Changes =
    [
        TimelineEventKind.Created, TimelineEventKind.Acknowledged, TimelineEventKind.Assigned, TimelineEventKind.SeverityChanged, TimelineEventKind.StatusChanged,
        TimelineEventKind.CommanderSet, TimelineEventKind.Rerouted,
    ];

    public async Task<int> ProcessAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rules = await db.WorkflowRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var top = await db.Timeline.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;
        if (watermark.Value < 0 || rules.Count == 0)
        {
            // From a start, only what happens from now on; a little behind the mark each round (late commits on PostgreSQL).
            watermark.Value = rules.Count == 0 ? top : Math.Max(0, top - 200);
            if (rules.Count == 0)
            {
                return 0;
            }
        }
        var since = watermark.Value - 200;
        var events = await db.Timeline.AsNoTracking().Where(t => t.Id > since && Changes.Contains(t.Kind)).OrderBy(t => t.Id).Take(500)
            .Select(t => new { t.Id, t.IncidentNumber, t.IncidentVersion, t.Kind, t.ActorName, t.At }).ToListAsync(cancellationToken);
        var done = 0;
        // One trigger per change: the first entry of each incident version.
        foreach (var change in events.GroupBy(e => (e.IncidentNumber, e.IncidentVersion)).Select(g => g.First()))
        {
            var kind = change.Kind == TimelineEventKind.Created ? RuleEvent.IncidentCreated : RuleEvent.IncidentChanged;
            foreach (var rule in rules.Where(r => r.Event == kind && change.At >= r.EnabledAt && !WorkflowRules.IsOwnChange(r.Name, change.ActorName)))
            {
                done += await FireAsync(rule, change.IncidentNumber, change.Id, change.Kind, cancellationToken) ? 1 : 0;
            }
            watermark.Value = Math.Max(watermark.Value, change.Id);
        }
        watermark.Value = Math.Max(watermark.Value, events.Count == 0 ? top : events[^1].Id);
        return done;
    }

    private async Task<bool> FireAsync(WorkflowRule rule, long number, long eventId, TimelineEventKind kind, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.RuleFirings.AnyAsync(f => f.RuleId == rule.Id && f.TriggerEventId == eventId, cancellationToken)
            || await WorkflowRuleService.FactsAsync(db, number, kind == TimelineEventKind.Created ? "created" : kind.ToString(), cancellationToken) is not { } facts
            || !RuleConditions.Holds(rule.Condition, facts))
        {
            return false;
        }
        var now = clock.GetUtcNow();
        var actor = IncidentActor.Monitor(WorkflowRules.Actor(rule.Name));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var recent = await db.RuleFirings.CountAsync(f => f.IncidentNumber == number && f.At > now - WorkflowRules.LoopWindow, cancellationToken);
        var incident = await db.Incidents.FirstAsync(i => i.Number == number, cancellationToken);
        var firing = new RuleFiring { RuleId = rule.Id, IncidentNumber = number, TriggerEventId = eventId, At = now, Outcome = "" };
        db.RuleFirings.Add(firing);
        var runs = new List<ActionRun>();
        var notices = new List<LiveNotice>();
        if (recent >= WorkflowRules.DepthLimit)
        {
            firing.Outcome = $"Stopped: rules fired {recent} times on this incident in {WorkflowRules.LoopWindow.TotalMinutes:0} minutes (a loop between rules?).";
            db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Comment, actor, now, firing.Outcome));
        }
        else
        {
            var did = new List<string>();
            foreach (var step in rule.Steps)
            {
                did.Add(await ApplyAsync(db, incident, step, actor, now, (runs, notices), cancellationToken));
            }
            firing.Outcome = string.Join("; ", did);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e)
        {
            // Another node fired this rule on this change first, or the incident changed under the steps: nothing of it was written.
            logger.LogDebug(e, "Rule {Rule} on change {Event} was taken or collided", rule.Id, eventId);
            return false;
        }
        foreach (var run in runs)
        {
            await RunJournal.StageAsync(db, run, null, actor.Name, $"Workflow rule \"{rule.Name}\": {RunStates.Label(run.State)}{(run.Reason is { } why ? $": {why}" : "")}", now, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, number, TimelineEventKind.Automation, cancellationToken), cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
        if (runs.Any(r => r.State == RunState.Queued))
        {
            signal.Wake();
        }
        return true;
    }

    private static Notifications.NoticeDraft Notice(Incident incident, IncidentActor actor) =>
        new(Shared.OnCall.NotificationKind.Page, $"{incident.Key} {incident.Severity}: {incident.Title}", $"From the workflow rule \"{actor.Name[6..]}\".",
            $"/incidents/{incident.Key}", incident.Number);

    private static async Task<string> ApplyAsync(PortalDbContext db, Incident incident, RuleStep step, IncidentActor actor, DateTimeOffset now,
        (List<ActionRun> Runs, List<LiveNotice> Notices) staged, CancellationToken cancellationToken)
    {
        var targets = await IncidentQueries.TargetsAsync(db, incident.Severity, cancellationToken);
        switch (step.Kind)
        {
            case RuleStepKind.SetSeverity when Enum.TryParse<Severity>(step.Value, out var severity) && severity != incident.Severity:
                var from = incident.Severity;
                incident.Severity = severity;
                db.Timeline.AddRange(IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.SeverityChanged, actor, now, from: from.ToString(), to: severity.ToString())],
                    actor, targets, now));
                return $"severity {from} → {severity}";
            case RuleStepKind.Assign when await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == step.Value && p.Active, cancellationToken) is { } person
                && incident.AssigneeId != person.Id:
                incident.AssigneeId = person.Id;
                db.Timeline.AddRange(IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.Assigned, actor, now, to: person.Name)], actor, targets, now));
                return $"assigned to {person.Name}";
            case RuleStepKind.Comment:
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Comment, actor, now, step.Value));
                return "note written";
            case RuleStepKind.RunAction when await db.AutomationActions.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == step.Value, cancellationToken) is { } action:
                var version = action.PromotedVersion ?? action.LatestVersion;
                var definition = await RunService.DefinitionAsync(db, action.Id, version, cancellationToken);
                var (values, errors) = ActionInputs.Validate(definition.Inputs, HealingService.AsJson(definition.Inputs, step.Inputs ?? []));
                var service = await db.Services.Where(s => s.Id == incident.ServiceId).Select(s => s.Slug).FirstOrDefaultAsync(cancellationToken);
                var run = RunService.NewRun(action, version, RunTrigger.Rule, false, incident.Number, service, values, now);
                run.RequestedBy = actor.Name;
                if (errors.Count > 0)
                {
                    (run.State, run.FinishedAt, run.Reason) = (RunState.Refused, now, string.Join(" ", errors.SelectMany(e => e.Value)));
                }
                else
                {
                    run.Preview = ActionPlans.Render(definition, values, incident.Number, service).Describe();
                    RunService.Decide(run, await GuardrailReader.CheckAsync(db, run, action, definition, now, cancellationToken), now);
                }
                db.ActionRuns.Add(run);
                staged.Runs.Add(run);
                return $"{action.Slug} {RunStates.Label(run.State)}";
            case RuleStepKind.Page when await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == step.Value && p.Active, cancellationToken) is { } paged:
                staged.Notices.AddRange(await Notifications.NotificationService.StageAsync(db, [paged.Id], [], Notice(incident, actor), now, cancellationToken));
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Paged, actor, now, $"Paged {paged.Name}."));
                return $"paged {paged.Name}";
            case RuleStepKind.NotifyTeam when await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == step.Value, cancellationToken) is { } team:
                staged.Notices.AddRange(await Notifications.NotificationService.StageAsync(db, [], [team.Id], Notice(incident, actor), now, cancellationToken));
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Comment, actor, now, $"Told the channels of {team.Name}."));
                return $"told {team.Name}";
            case RuleStepKind.AttachRunbook when await db.Runbooks.AsNoTracking().FirstOrDefaultAsync(r => r.Slug == step.Value, cancellationToken) is { } runbook:
                db.Timeline.Add(IncidentWorkflow.Entry(incident, TimelineEventKind.Comment, actor, now,
                    $"Runbook: [{runbook.Title}](/runbooks/{runbook.Slug}?incident={incident.Key})"));
                return $"attached {runbook.Slug}";
            default:
                return $"{WorkflowRuleService.Describe(step)}: nothing to change";
        }
    }
}
