using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;

namespace Portal.Features.Alerts;

/// <summary>
/// Applies a batch of monitor events inside one transaction: alerts are opened, counted, acknowledged and resolved;
/// incidents are opened, acknowledged and (when every alert of theirs resolved) resolved by the integration, with
/// every alert event on the incident's timeline. The caller commits, then publishes <see cref="Touched"/>.
/// </summary>
internal sealed class AlertApplier(PortalDbContext db, DateTimeOffset now)
{
    private const int MaxTitle = 200;
    private readonly Dictionary<(int, string), Alert?> _open = [];
    private readonly Dictionary<long, Incident> _incidents = [];
    private Dictionary<string, (int Id, int? TeamId)>? _services;
    private Dictionary<string, (int Id, RegionCode Region)>? _teams;

    /// <summary>Each incident this batch changed, with what happened to it last.</summary>
    public Dictionary<long, TimelineEventKind> Touched { get; } = [];

    public async Task<AlertResult> ApplyAsync(Integration integration, AlertEvent e, CancellationToken cancellationToken)
    {
        var alert = await OpenAlertAsync(integration.Id, e.DedupKey, cancellationToken);
        var actor = integration.Name;
        switch (e.Action)
        {
            case AlertAction.Trigger when alert is not null:
                alert.Count++;
                (alert.LastSeenAt, alert.Summary, alert.LastPayload) = (now, Cap(e.Summary, EventsV2.MaxSummary)!, e.Payload);
                if (e.Labels is { Count: > 0 })
                {
                    alert.Labels = new Dictionary<string, string>(e.Labels);
                }
                await TimelineAsync(alert.IncidentNumber, TimelineEventKind.AlertTriggered, actor, e, cancellationToken);
                return new(AlertOutcome.Repeated, e.DedupKey, alert.IncidentNumber);

            case AlertAction.Trigger:
                var incident = await GroupIncidentAsync(integration, e, cancellationToken) ?? await NewIncidentAsync(integration, e, actor, cancellationToken);
                alert = new Alert
                {
                    IntegrationId = integration.Id, DedupKey = e.DedupKey, OpenKey = e.DedupKey, Status = AlertStatus.Triggered,
                    IncidentNumber = incident.Number, Summary = Cap(e.Summary, EventsV2.MaxSummary)!, Source = Cap(e.Source, 1024),
                    SeverityWord = Cap(e.SeverityWord, 64), GroupKey = Cap(e.GroupKey, 1024), Labels = new Dictionary<string, string>(e.Labels ?? new Dictionary<string, string>()),
                    LastPayload = e.Payload, Count = 1, FirstSeenAt = now, LastSeenAt = now,
                };
                db.Alerts.Add(alert);
                _open[(integration.Id, e.DedupKey)] = alert;
                await TimelineAsync(incident.Number, TimelineEventKind.AlertTriggered, actor, e, cancellationToken);
                return new(AlertOutcome.Opened, e.DedupKey, incident.Number);

            case AlertAction.Acknowledge when alert is not null:
                alert.Status = AlertStatus.Acknowledged;
                alert.LastSeenAt = now;
                await TimelineAsync(alert.IncidentNumber, TimelineEventKind.AlertAcknowledged, actor, e, cancellationToken);
                var acknowledged = await IncidentAsync(alert.IncidentNumber, cancellationToken);
                if (acknowledged.Status == IncidentStatus.Triggered)
                {
                    acknowledged.Status = IncidentStatus.Acknowledged;
                    acknowledged.AcknowledgedAt = now;
                    Change(acknowledged, TimelineEventKind.Acknowledged, actor, from: IncidentStatus.Triggered.ToString(), to: acknowledged.Status.ToString());
                }
                return new(AlertOutcome.Acknowledged, e.DedupKey, alert.IncidentNumber);

            case AlertAction.Resolve when alert is not null:
                (alert.Status, alert.OpenKey, alert.ResolvedAt, alert.LastSeenAt) = (AlertStatus.Resolved, null, now, now);
                _open[(integration.Id, e.DedupKey)] = null;
                await TimelineAsync(alert.IncidentNumber, TimelineEventKind.AlertResolved, actor, e, cancellationToken);
                var resolved = await IncidentAsync(alert.IncidentNumber, cancellationToken);
                if (integration.AutoResolve && IncidentTransitions.IsOpen(resolved.Status) && !await AnyOpenAlertAsync(resolved.Number, cancellationToken))
                {
                    var from = resolved.Status;
                    resolved.Status = IncidentStatus.Resolved;
                    resolved.ResolvedAt = now;
                    resolved.ResolutionNote = "Every alert of this incident resolved.";
                    Change(resolved, TimelineEventKind.StatusChanged, actor, resolved.ResolutionNote, from.ToString(), resolved.Status.ToString());
                }
                return new(AlertOutcome.Resolved, e.DedupKey, alert.IncidentNumber);

            default:
                return new(AlertOutcome.Dropped, e.DedupKey, null);
        }
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

    /// <summary>Alertmanager groups: a new alert of a group whose incident is open joins that incident.</summary>
    private async Task<Incident?> GroupIncidentAsync(Integration integration, AlertEvent e, CancellationToken cancellationToken)
    {
        if (e.GroupKey is null)
        {
            return null;
        }
        var local = _open.Values.FirstOrDefault(a => a is not null && a.IntegrationId == integration.Id && a.GroupKey == e.GroupKey);
        var number = local?.IncidentNumber ?? await db.Alerts
            .Where(a => a.IntegrationId == integration.Id && a.GroupKey == e.GroupKey && a.OpenKey != null)
            .OrderByDescending(a => a.Id).Select(a => (long?)a.IncidentNumber).FirstOrDefaultAsync(cancellationToken);
        if (number is null)
        {
            return null;
        }
        var incident = await IncidentAsync(number.Value, cancellationToken);
        return IncidentTransitions.IsOpen(incident.Status) ? incident : null;
    }

    private async Task<Incident> NewIncidentAsync(Integration integration, AlertEvent e, string actor, CancellationToken cancellationToken)
    {
        _services ??= await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Slug, s => (s.Id, s.OwningTeamId), cancellationToken);
        _teams ??= await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Slug, t => (t.Id, t.Region), cancellationToken);
        string? Label(string field) =>
            integration.LabelMap.TryGetValue(field, out var label) && e.Labels is not null && e.Labels.TryGetValue(label, out var value) ? value : null;

        int? serviceId = Label("service") is { } s && _services.TryGetValue(s, out var labelled) ? labelled.Id : integration.ServiceId;
        int? teamId = Label("team") is { } t && _teams.TryGetValue(t, out var team) ? team.Id
            : integration.TeamId ?? _services.Values.FirstOrDefault(x => x.Id == serviceId).TeamId;
        RegionCode region = Label("region") is { } r && Regions.TryParse(r, out var code) ? code
            : integration.Region ?? _teams.Values.FirstOrDefault(x => x.Id == teamId).Region;
        var severity = AlertSeverities.Map(Label("severity") ?? e.SeverityWord, integration.SeverityMap);

        var incident = new Incident
        {
            Title = Cap(e.Summary, MaxTitle)!, Description = e.Details, Severity = severity, ServiceId = serviceId, TeamId = teamId,
            Region = region, TriggeredAt = now, UpdatedAt = now, Tags = ["alert"],
        };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(cancellationToken);
        _incidents[incident.Number] = incident;
        db.Timeline.Add(new TimelineEvent
        {
            IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = TimelineEventKind.Created, ActorName = actor, At = now,
            Text = incident.Title, To = severity.ToString(),
        });
        Touched[incident.Number] = TimelineEventKind.Created;
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

    private async Task<bool> AnyOpenAlertAsync(long incidentNumber, CancellationToken cancellationToken)
    {
        // Alerts this batch looked at hold their current state here (new ones are not stored yet); the rest are as stored,
        // less those this batch has just resolved.
        if (_open.Values.Any(a => a is not null && a.IncidentNumber == incidentNumber))
        {
            return true;
        }
        var resolvedHere = db.ChangeTracker.Entries<Alert>().Where(x => x.Entity.OpenKey == null && x.Entity.Id != 0).Select(x => x.Entity.Id).ToList();
        return await db.Alerts.AnyAsync(a => a.IncidentNumber == incidentNumber && a.OpenKey != null && !resolvedHere.Contains(a.Id), cancellationToken);
    }

    private async Task TimelineAsync(long number, TimelineEventKind kind, string actor, AlertEvent e, CancellationToken cancellationToken)
    {
        var incident = await IncidentAsync(number, cancellationToken);
        db.Timeline.Add(new TimelineEvent
        {
            IncidentNumber = number, IncidentVersion = incident.Version, Kind = kind, ActorName = actor, At = now,
            Text = Cap(e.Summary, EventsV2.MaxSummary), From = Cap(e.DedupKey, 255),
        });
        Touched.TryAdd(number, kind);
    }

    /// <summary>A change of the incident itself: a new version, and its timeline entry.</summary>
    private void Change(Incident incident, TimelineEventKind kind, string actor, string? text = null, string? from = null, string? to = null)
    {
        incident.Version++;
        incident.UpdatedAt = now;
        db.Timeline.Add(new TimelineEvent
        {
            IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = kind, ActorName = actor, At = now, Text = text, From = from, To = to,
        });
        Touched[incident.Number] = kind;
    }

    private static string? Cap(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
