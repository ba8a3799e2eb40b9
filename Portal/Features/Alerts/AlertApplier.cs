using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Alerts;

/// <summary>
/// Applies a batch of monitor events inside one transaction: alerts are opened, counted, acknowledged and resolved;
/// incidents are opened, acknowledged and (when every alert of theirs resolved) resolved by the integration, with
/// every alert event on the incident's timeline. New incidents, their alerts and timelines are linked by reference and
/// saved together, once per batch. The caller saves, takes <see cref="Results"/> and <see cref="HintsAsync"/>, commits,
/// then publishes the hints.
/// </summary>
internal sealed class AlertApplier(PortalDbContext db, DateTimeOffset now, IReadOnlyList<IPagingHold>? holds = null)
{
    private const int MaxFrom = 120;

    /// <summary>The rows a batch adds, principals first, for <see cref="SetInsert"/>.</summary>
    public static readonly IReadOnlyList<Type> NewRows = [typeof(Incident), typeof(Alert), typeof(TimelineEvent), typeof(Shared.OnCall.IncidentEscalation)];
    private readonly Dictionary<(int, string), Alert?> _open = [];
    private readonly Dictionary<long, Incident> _incidents = [];
    private readonly List<(AlertOutcome Outcome, string DedupKey, Incident? Incident)> _results = [];
    private readonly Dictionary<Incident, TimelineEventKind> _touched = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, (int Id, int? TeamId, int? PolicyId)>? _services;

    /// <summary>Whether this batch started an escalation (the processor is woken after commit).</summary>
    public bool Escalating { get; private set; }
    private Dictionary<string, (int Id, RegionCode Region)>? _teams;
    private Dictionary<Severity, SlaTargets> _targets = [];

    /// <summary>What became of each event, in order; incident numbers are known once saved.</summary>
    public IReadOnlyList<AlertResult> Results => [.. _results.Select(r => new AlertResult(r.Outcome, r.DedupKey, r.Incident?.Number))];

    /// <summary>Reads the open alerts a batch names in one query per integration, instead of one per event.</summary>
    public async Task PrefetchAsync(IEnumerable<(int IntegrationId, string DedupKey)> keys, CancellationToken cancellationToken)
    {
        _targets = (await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken)).ToDictionary(p => p.Severity, p => p.Targets);
        foreach (var group in keys.Where(k => !_open.ContainsKey(k)).Distinct().GroupBy(k => k.IntegrationId))
        {
            var wanted = group.Select(k => k.DedupKey).ToList();
            foreach (var key in wanted)
            {
                _open[(group.Key, key)] = null;
            }
            // Their incidents come in the same query: a repeated trigger then costs no read of its own.
            foreach (var alert in await db.Alerts.Include(a => a.Incident).Where(a => a.IntegrationId == group.Key && wanted.Contains(a.OpenKey!)).ToListAsync(cancellationToken))
            {
                _open[(group.Key, alert.OpenKey!)] = alert;
                _incidents.TryAdd(alert.IncidentNumber, alert.Incident!);
            }
        }
    }

    public async Task ApplyAsync(Integration integration, AlertEvent e, CancellationToken cancellationToken)
    {
        var alert = await OpenAlertAsync(integration.Id, e.DedupKey, cancellationToken);
        var actor = integration.Name;
        switch (e.Action)
        {
            case AlertAction.Trigger when alert is not null:
            {
                alert.Count++;
                (alert.LastSeenAt, alert.Summary, alert.LastPayload) = (now, Cap(e.Summary, EventsV2.MaxSummary)!, e.Payload);
                if (e.Labels is { Count: > 0 })
                {
                    alert.Labels = new Dictionary<string, string>(e.Labels);
                }
                var incident = await IncidentOfAsync(alert, cancellationToken);
                Timeline(incident, TimelineEventKind.AlertTriggered, actor, e);
                _results.Add((AlertOutcome.Repeated, e.DedupKey, incident));
                break;
            }
            case AlertAction.Trigger:
            {
                var incident = await GroupIncidentAsync(integration, e, cancellationToken) ?? await NewIncidentAsync(integration, e, actor, cancellationToken);
                alert = new Alert
                {
                    IntegrationId = integration.Id, DedupKey = e.DedupKey, OpenKey = e.DedupKey, Status = AlertStatus.Triggered,
                    Incident = incident, IncidentNumber = incident.Number, Summary = Cap(e.Summary, EventsV2.MaxSummary)!, Source = Cap(e.Source, 1024),
                    SeverityWord = Cap(e.SeverityWord, 64), GroupKey = Cap(e.GroupKey, 1024), Labels = new Dictionary<string, string>(e.Labels ?? new Dictionary<string, string>()),
                    LastPayload = e.Payload, Count = 1, FirstSeenAt = now, LastSeenAt = now,
                };
                db.Alerts.Add(alert);
                _open[(integration.Id, e.DedupKey)] = alert;
                Timeline(incident, TimelineEventKind.AlertTriggered, actor, e);
                _results.Add((AlertOutcome.Opened, e.DedupKey, incident));
                break;
            }
            case AlertAction.Acknowledge when alert is not null:
            {
                alert.Status = AlertStatus.Acknowledged;
                alert.LastSeenAt = now;
                var incident = await IncidentOfAsync(alert, cancellationToken);
                Timeline(incident, TimelineEventKind.AlertAcknowledged, actor, e);
                Step(incident, IncidentAction.Acknowledge, actor);
                _results.Add((AlertOutcome.Acknowledged, e.DedupKey, incident));
                break;
            }
            case AlertAction.Resolve when alert is not null:
            {
                (alert.Status, alert.OpenKey, alert.ResolvedAt, alert.LastSeenAt) = (AlertStatus.Resolved, null, now, now);
                _open[(integration.Id, e.DedupKey)] = null;
                var incident = await IncidentOfAsync(alert, cancellationToken);
                Timeline(incident, TimelineEventKind.AlertResolved, actor, e);
                if (integration.AutoResolve && IncidentWorkflow.WhyNot(incident, IncidentAction.Resolve, IncidentActor.Monitor(actor)) is null
                    && !await AnyOpenAlertAsync(incident, cancellationToken))
                {
                    Step(incident, IncidentAction.Resolve, actor, "Every alert of this incident resolved.");
                }
                _results.Add((AlertOutcome.Resolved, e.DedupKey, incident));
                break;
            }
            default:
                _results.Add((AlertOutcome.Dropped, e.DedupKey, null));
                break;
        }
    }

    /// <summary>The live hints for what this batch touched, from the incidents as saved (call after saving, before committing).</summary>
    public async Task<IReadOnlyList<IncidentChanged>> HintsAsync(CancellationToken cancellationToken)
    {
        if (_touched.Count == 0)
        {
            return [];
        }
        var (services, teams) = await CataloguesAsync(cancellationToken);
        var serviceSlugs = services.ToDictionary(s => s.Value.Id, s => s.Key);
        var teamSlugs = teams.ToDictionary(t => t.Value.Id, t => t.Key);
        var assigneeIds = _touched.Keys.Select(i => i.AssigneeId).OfType<int>().Distinct().ToList();
        var handles = assigneeIds.Count == 0 ? [] : await db.People.AsNoTracking().Where(p => assigneeIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Handle, cancellationToken);
        return [.. _touched.Select(t =>
        {
            var i = t.Key;
            return IncidentWorkflow.Hint(i, t.Value, i.ServiceId is { } s ? serviceSlugs.GetValueOrDefault(s) : null,
                i.TeamId is { } team ? teamSlugs.GetValueOrDefault(team) : null, i.AssigneeId is { } a ? handles.GetValueOrDefault(a) : null);
        })];
    }

    private async Task<(Dictionary<string, (int Id, int? TeamId, int? PolicyId)>, Dictionary<string, (int Id, RegionCode Region)>)> CataloguesAsync(CancellationToken cancellationToken)
    {
        _services ??= await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Slug, s => (s.Id, s.OwningTeamId, s.EscalationPolicyId), cancellationToken);
        _teams ??= await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Slug, t => (t.Id, t.Region), cancellationToken);
        return (_services, _teams);
    }

    private async Task<Alert?> OpenAlertAsync(int integrationId, string dedupKey, CancellationToken cancellationToken)
    {
        if (!_open.TryGetValue((integrationId, dedupKey), out var alert))
        {
            alert = await db.Alerts.FirstOrDefaultAsync(a => a.IntegrationId == integrationId && a.OpenKey == dedupKey, cancellationToken);
            _open[(integrationId, dedupKey)] = alert;
        }
        return alert;
    }

    private Task<Incident> IncidentOfAsync(Alert alert, CancellationToken cancellationToken) =>
        alert.Incident is { } incident ? Task.FromResult(incident) : IncidentAsync(alert.IncidentNumber, cancellationToken);

    /// <summary>Alertmanager groups: a new alert of a group whose incident is open joins that incident.</summary>
    private async Task<Incident?> GroupIncidentAsync(Integration integration, AlertEvent e, CancellationToken cancellationToken)
    {
        if (e.GroupKey is null)
        {
            return null;
        }
        Incident? incident;
        if (_open.Values.FirstOrDefault(a => a is not null && a.IntegrationId == integration.Id && a.GroupKey == e.GroupKey) is { } sibling)
        {
            incident = await IncidentOfAsync(sibling, cancellationToken);
        }
        else
        {
            var number = await db.Alerts
                .Where(a => a.IntegrationId == integration.Id && a.GroupKey == e.GroupKey && a.OpenKey != null)
                .OrderByDescending(a => a.Id).Select(a => (long?)a.IncidentNumber).FirstOrDefaultAsync(cancellationToken);
            incident = number is null ? null : await IncidentAsync(number.Value, cancellationToken);
        }
        return incident is not null && IncidentTransitions.IsOpen(incident.Status) ? incident : null;
    }

    private async Task<Incident> NewIncidentAsync(Integration integration, AlertEvent e, string actor, CancellationToken cancellationToken)
    {
        var (services, teams) = await CataloguesAsync(cancellationToken);
        string? Label(string field) =>
            integration.LabelMap.TryGetValue(field, out var label) && e.Labels is not null && e.Labels.TryGetValue(label, out var value) ? value : null;

        int? serviceId = Label("service") is { } s && services.TryGetValue(s, out var labelled) ? labelled.Id : integration.ServiceId;
        int? teamId = Label("team") is { } t && teams.TryGetValue(t, out var team) ? team.Id
            : integration.TeamId ?? services.Values.FirstOrDefault(x => x.Id == serviceId).TeamId;
        RegionCode region = Label("region") is { } r && Regions.TryParse(r, out var code) ? code
            : integration.Region ?? teams.Values.FirstOrDefault(x => x.Id == teamId).Region;
        var severity = AlertSeverities.Map(Label("severity") ?? e.SeverityWord, integration.SeverityMap);

        var incident = new Incident
        {
            Title = Cap(e.Summary, IncidentWorkflow.MaxTitle)!, Description = Cap(e.Details, IncidentWorkflow.MaxDescription), Severity = severity,
            ServiceId = serviceId, TeamId = teamId, Region = region, Tags = ["alert"],
        };
        db.Incidents.Add(incident);
        db.Timeline.AddRange(IncidentWorkflow.Open(incident, IncidentActor.Monitor(actor), now));
        _touched[incident] = TimelineEventKind.Created;
        var serviceSlug = services.FirstOrDefault(x => x.Value.Id == serviceId).Key;
        var labels = e.Labels ?? new Dictionary<string, string>();
        var hold = (holds ?? []).Select(h => h.HoldFor(integration.Id, serviceSlug, labels)).Max() ?? TimeSpan.Zero;
        if (Features.OnCall.EscalationService.Stage(db, incident, services.Values.FirstOrDefault(x => x.Id == serviceId).PolicyId, now, now + hold))
        {
            Escalating = true;
        }
        return incident;
    }

    private async Task<Incident> IncidentAsync(long number, CancellationToken cancellationToken)
    {
        if (!_incidents.TryGetValue(number, out var incident))
        {
            incident = await db.Incidents.FirstAsync(i => i.Number == number, cancellationToken);
            _incidents[number] = incident;
        }
        return incident;
    }

    private async Task<bool> AnyOpenAlertAsync(Incident incident, CancellationToken cancellationToken)
    {
        // Alerts this batch looked at hold their current state here (new ones are not stored yet); the rest are as stored,
        // less those this batch has just resolved.
        if (_open.Values.Any(a => a is not null && (ReferenceEquals(a.Incident, incident) || (incident.Number != 0 && a.IncidentNumber == incident.Number))))
        {
            return true;
        }
        if (incident.Number == 0)
        {
            return false;
        }
        var resolvedHere = db.ChangeTracker.Entries<Alert>().Where(x => x.Entity.OpenKey == null && x.Entity.Id != 0).Select(x => x.Entity.Id).ToList();
        return await db.Alerts.AnyAsync(a => a.IncidentNumber == incident.Number && a.OpenKey != null && !resolvedHere.Contains(a.Id), cancellationToken);
    }

    private void Timeline(Incident incident, TimelineEventKind kind, string actor, AlertEvent e)
    {
        db.Timeline.Add(IncidentWorkflow.Entry(incident, kind, IncidentActor.Monitor(actor), now, Cap(e.Summary, EventsV2.MaxSummary), from: Cap(e.DedupKey, MaxFrom)));
        _touched.TryAdd(incident, kind);
    }

    /// <summary>A monitor's status step, when the workflow lets a monitor take it now; otherwise nothing happens.</summary>
    private void Step(Incident incident, IncidentAction action, string actor, string? note = null)
    {
        var by = IncidentActor.Monitor(actor);
        if (IncidentWorkflow.WhyNot(incident, action, by) is not null)
        {
            return;
        }
        var targets = _targets.TryGetValue(incident.Severity, out var own) ? own : SlaTargets.DefaultFor(incident.Severity);
        var events = IncidentWorkflow.Step(incident, action, by, targets, now, note);
        db.Timeline.AddRange(events);
        _touched[incident] = events[0].Kind;
    }

    private static string? Cap(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
