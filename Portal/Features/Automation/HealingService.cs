using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Alerts;
using Portal.Infrastructure.Data;
using Portal.Shared.Alerts;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>
/// Self-healing: the enabled rules (read again each round) hold a matching alert's first page back while a run tries
/// (<see cref="IPagingHold"/>); each round, every new firing a rule matches starts one automatic run, on any number of
/// nodes (a unique key per firing and rule).
/// </summary>
public sealed class HealingService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, RunJournal journal, AutomationOptions options,
    ILogger<HealingService> logger) : IPagingHold
{
    /// <summary>A firing older than this when first seen is left to people.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(15);

    private volatile List<(HealingRule Rule, TimeSpan Hold)> _rules = [];
    private long _watermark = -1;

    public TimeSpan? HoldFor(int integrationId, string? service, IReadOnlyDictionary<string, string> labels) =>
        _rules.Where(r => HealingMatches.Matches(r.Rule, integrationId, service, labels)).Select(r => (TimeSpan?)r.Hold).Max();

    /// <summary>Reads the enabled rules and each one's hold: the configured wait, the action's timeout and its verify window.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rules = await db.HealingRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(cancellationToken);
        var list = new List<(HealingRule, TimeSpan)>();
        foreach (var rule in rules)
        {
            var action = await db.AutomationActions.AsNoTracking().FirstAsync(a => a.Id == rule.ActionId, cancellationToken);
            var definition = await RunService.DefinitionAsync(db, action.Id, action.PromotedVersion ?? action.LatestVersion, cancellationToken);
            list.Add((rule, options.HealingHold + TimeSpan.FromSeconds(definition.TimeoutSeconds) + TimeSpan.FromMinutes(definition.Verify.WithinMinutes)));
        }
        _rules = list;
    }

    /// <summary>Starts a run for each new firing a rule matches; returns how many runs it recorded (queued or refused).</summary>
    public async Task<(int Started, List<ActionRun> Refused)> StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        var refused = new List<ActionRun>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (_watermark < 0)
        {
            // After a start, look back over the last alerts: the unique key per firing keeps a second look harmless.
            _watermark = Math.Max(0, (await db.Alerts.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0) - 1_000);
        }
        if (_rules.Count == 0)
        {
            _watermark = await db.Alerts.MaxAsync(a => (long?)a.Id, cancellationToken) ?? _watermark;
            return (0, refused);
        }
        var now = clock.GetUtcNow();
        var since = now - Freshness;
        // A little behind the mark too: on PostgreSQL a batch with lower ids can commit after one with higher ids.
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.Id > _watermark - 200).OrderBy(a => a.Id).Take(500)
            .Select(a => new { a.Id, a.IntegrationId, a.Status, a.FirstSeenAt, a.Labels, a.IncidentNumber, a.Summary, Service = a.Incident!.Service == null ? null : a.Incident.Service.Slug })
            .ToListAsync(cancellationToken);
        var started = 0;
        foreach (var alert in alerts)
        {
            foreach (var (rule, _) in _rules.Where(r => alert.Status == AlertStatus.Triggered && alert.FirstSeenAt >= since
                && HealingMatches.Matches(r.Rule, alert.IntegrationId, alert.Service, alert.Labels)))
            {
                if (await StartOneAsync(rule, alert.Id, alert.IncidentNumber, alert.Service, alert.Summary, now, cancellationToken) is { } run)
                {
                    started++;
                    if (run.State == RunState.Refused)
                    {
                        refused.Add(run);
                    }
                }
            }
            _watermark = Math.Max(_watermark, alert.Id);
        }
        return (started, refused);
    }

    private async Task<ActionRun?> StartOneAsync(HealingRule rule, long alertId, long incident, string? service, string summary, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.ActionRuns.AnyAsync(r => r.AlertId == alertId && r.HealingRuleId == rule.Id, cancellationToken))
        {
            return null;
        }
        var action = await db.AutomationActions.AsNoTracking().FirstAsync(a => a.Id == rule.ActionId, cancellationToken);
        var version = action.PromotedVersion ?? action.LatestVersion;
        var definition = await RunService.DefinitionAsync(db, action.Id, version, cancellationToken);
        var (values, errors) = ActionInputs.Validate(definition.Inputs, AsJson(definition.Inputs, rule.Inputs));
        var run = RunService.NewRun(action, version, RunTrigger.SelfHealing, false, incident, service, values, now);
        (run.AlertId, run.HealingRuleId) = (alertId, rule.Id);
        string what;
        if (errors.Count > 0)
        {
            (run.State, run.FinishedAt, run.Reason) = (RunState.Refused, now, "The rule's inputs no longer fit the action: " + string.Join(" ", errors.SelectMany(e => e.Value)));
            what = run.Reason;
        }
        else
        {
            run.Preview = ActionPlans.Render(definition, values, incident, service).Describe();
            what = RunService.Decide(run, await GuardrailReader.CheckAsync(db, run, action, definition, now, cancellationToken), now);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.ActionRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node started this firing's run first.
            logger.LogDebug("Self-healing run for alert {Alert} and rule {Rule} was started elsewhere", alertId, rule.Id);
            return null;
        }
        await RunJournal.StageAsync(db, run, null, null, $"Self-healing ({rule.Name}) for \"{summary}\": {what}", now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await journal.PublishAsync(db, incident, cancellationToken);
        return run;
    }

    /// <summary>A rule keeps its inputs as text; each is given to the action's validation as the JSON type the input wants.</summary>
    internal static Dictionary<string, JsonElement> AsJson(IReadOnlyList<ActionInput> inputs, IReadOnlyDictionary<string, string> values) =>
        values.ToDictionary(v => v.Key, v => inputs.FirstOrDefault(i => i.Name == v.Key)?.Type switch
        {
            InputType.WholeNumber when long.TryParse(v.Value, out var n) => JsonSerializer.SerializeToElement(n),
            InputType.Boolean when bool.TryParse(v.Value, out var b) => JsonSerializer.SerializeToElement(b),
            _ => JsonSerializer.SerializeToElement(v.Value),
        });
}
