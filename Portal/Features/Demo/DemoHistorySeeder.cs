using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Alerts;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>The demo world's history: fifteen weeks of incidents with their timelines, the alerts behind them, the pages they sent, and RCAs.</summary>
internal static class DemoHistorySeeder
{
    /// <summary>
    /// The pages of the incident history, as the escalation policies would have sent them: level 1 to whoever was
    /// on call when it triggered, level 2 to the manager when nobody acknowledged within the delay; each on the
    /// incident's timeline and in the person's notification centre.
    /// </summary>
    private static async Task SeedPagesAsync(PortalDbContext db, List<(Incident Incident, int Version)> incidents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policies = await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var policyOf = await db.Services.AsNoTracking().Where(s => s.EscalationPolicyId != null).ToDictionaryAsync(s => s.Id, s => s.EscalationPolicyId!.Value, cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var from = incidents.Count == 0 ? now : incidents.Min(i => i.Incident.TriggeredAt);
        var window = new NodaTime.Interval(NodaTime.Instant.FromDateTimeOffset(from.AddHours(-1)), NodaTime.Instant.FromDateTimeOffset(now.AddHours(1)));
        var computed = new Dictionary<int, ComputedSchedule>();
        foreach (var (incident, version) in incidents)
        {
            if (incident.ServiceId is not { } service || !policyOf.TryGetValue(service, out var policyId) || policies[policyId].Levels is not [var first, var second, ..]
                || first.Targets is not [{ Kind: EscalationTargetKind.Schedule } target] || !schedules.TryGetValue(target.Id, out var schedule))
            {
                continue;
            }
            if (!computed.TryGetValue(schedule.Id, out var shifts))
            {
                computed[schedule.Id] = shifts = RotationCalculator.Compute(schedule.Layers, [], window);
            }
            var policy = policies[policyId];
            var answered = incident.AcknowledgedAt ?? incident.MitigatedAt ?? incident.ResolvedAt;
            void Page(int personId, DateTimeOffset at, int level, string via)
            {
                var person = people[personId];
                db.Timeline.Add(new TimelineEvent
                {
                    IncidentNumber = incident.Number, IncidentVersion = version, Kind = TimelineEventKind.Paged, ActorName = "Escalation", At = at,
                    Text = $"Level {level} paged {person.Name}{via}. Escalates in {policy.Levels[level - 1].DelayMinutes} minutes unless acknowledged.",
                });
                db.Notifications.Add(new Notification
                {
                    PersonId = personId, Kind = NotificationKind.Page, Title = $"{incident.Key} {incident.Severity}: {incident.Title}", IncidentNumber = incident.Number,
                    Body = $"Level {level} of \"{policy.Name}\".", Link = $"/incidents/{incident.Key}", CreatedAt = at, ReadAt = answered is null ? null : answered,
                });
            }
            var triggered = incident.TriggeredAt;
            if (shifts.At(NodaTime.Instant.FromDateTimeOffset(triggered)) is not { } onCall)
            {
                continue;
            }
            Page(onCall.PersonId, triggered, 1, $" (on call for {schedule.Name})");
            var escalatesAt = triggered.AddMinutes(first.DelayMinutes);
            var escalated = (answered ?? now) > escalatesAt && second.Targets is [{ Kind: EscalationTargetKind.Person } manager];
            if (escalated)
            {
                db.Timeline.Add(new TimelineEvent
                {
                    IncidentNumber = incident.Number, IncidentVersion = version, Kind = TimelineEventKind.Escalated, ActorName = "Escalation", At = escalatesAt,
                    Text = $"Not acknowledged within {first.DelayMinutes} minutes: escalating to level 2.",
                });
                Page(second.Targets[0].Id, escalatesAt, 2, "");
            }
            db.Escalations.Add(new IncidentEscalation
            {
                IncidentNumber = incident.Number, PolicyId = policyId, StartedAt = triggered, Version = 1, Round = 0,
                State = answered is null ? EscalationState.Active : EscalationState.Stopped,
                Level = escalated ? 2 : 1,
                NextAt = answered is null ? (escalated ? escalatesAt.AddMinutes(second.DelayMinutes) : escalatesAt) : null,
            });
        }
        await SetInsert.SaveAsync(db, [typeof(TimelineEvent), typeof(Notification), typeof(IncidentEscalation)], cancellationToken);
    }

    /// <summary>
    /// The alerts behind the history's incidents (<see cref="DemoAlerts"/>), through the demo monitor's integration, each
    /// on its incident's timeline. Alerts of open incidents stay open, one per dedup key as the unique index demands.
    /// </summary>
    private static async Task SeedAlertsAsync(PortalDbContext db, List<Incident> rows, IReadOnlyList<DemoIncident> history, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var integration = await db.Integrations.AsNoTracking().Where(i => i.Name == DemoWorld.MonitorName).Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
        if (integration is not { } integrationId)
        {
            return;
        }
        var open = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var incident = rows[i];
            foreach (var a in DemoAlerts.For(history[i], i, now))
            {
                var stillOpen = a.ResolvedAt is null && open.Add(a.DedupKey);
                db.Alerts.Add(new Alert
                {
                    IntegrationId = integrationId, DedupKey = a.DedupKey, OpenKey = stillOpen ? a.DedupKey : null,
                    Status = stillOpen ? AlertStatus.Triggered : AlertStatus.Resolved, IncidentNumber = incident.Number, Summary = a.Summary,
                    Source = "prometheus", SeverityWord = a.Labels["severity"], Labels = new Dictionary<string, string>(a.Labels), Count = a.Count,
                    FirstSeenAt = a.FirstSeenAt, LastSeenAt = a.LastSeenAt, ResolvedAt = stillOpen ? null : a.ResolvedAt ?? a.LastSeenAt,
                });
                db.Timeline.Add(new TimelineEvent
                {
                    IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = TimelineEventKind.AlertTriggered, ActorName = DemoWorld.MonitorName,
                    At = a.FirstSeenAt, Text = a.Summary, From = a.DedupKey,
                });
            }
        }
        await SetInsert.SaveAsync(db, [typeof(Alert), typeof(TimelineEvent)], cancellationToken);
    }

    /// <summary>The incident history, once: only into an empty incidents table; with its alerts, pages and RCAs. Returns how many incidents.</summary>
    internal static async Task<int> SeedIncidentsAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Incidents.AnyAsync(cancellationToken))
        {
            return 0;
        }
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Slug, t => t.Id, cancellationToken);
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Slug, s => s.Id, cancellationToken);
        var history = DemoIncidents.Generate(world, now);

        var rows = history.Select(d => new Incident
        {
            Title = d.Title,
            Description = d.Description,
            Severity = d.Severity,
            Status = d.ResolvedAt is not null ? IncidentStatus.Resolved : d.MitigatedAt is not null ? IncidentStatus.Mitigated : d.AcknowledgedAt is not null ? IncidentStatus.Acknowledged : IncidentStatus.Triggered,
            ServiceId = services.GetValueOrDefault(d.ServiceSlug),
            TeamId = teams.GetValueOrDefault(d.TeamSlug),
            Region = d.Region,
            AssigneeId = d.AssigneeHandle is { } a ? people[a].Id : null,
            CommanderId = d.CommanderHandle is { } c ? people[c].Id : null,
            TriggeredAt = d.TriggeredAt,
            AcknowledgedAt = d.AcknowledgedAt,
            MitigatedAt = d.MitigatedAt,
            ResolvedAt = d.ResolvedAt,
            UpdatedAt = d.ResolvedAt ?? d.MitigatedAt ?? d.AcknowledgedAt ?? d.TriggeredAt,
            AdvertisersAffected = d.AdvertisersAffected,
            RevenueAtRiskUsd = d.RevenueAtRiskUsd,
            Tags = [.. d.Tags],
            ResolutionNote = d.ResolutionNote,
        }).ToList();
        db.Incidents.AddRange(rows);

        // Incidents nobody was assigned are opened, in the story, by a team manager.
        var fallbackOwner = world.People.First(p => p.Role == PortalRole.Manager);
        for (var i = 0; i < rows.Count; i++)
        {
            var (incident, d) = (rows[i], history[i]);
            var owner = d.AssigneeHandle is { } h ? people[h] : people[fallbackOwner.Handle];
            var version = 1;
            void Add(TimelineEventKind kind, DateTimeOffset at, Person? actor, string? text = null, string? from = null, string? to = null) =>
                db.Timeline.Add(new TimelineEvent
                {
                    Incident = incident, IncidentVersion = version, Kind = kind, ActorId = actor?.Id,
                    ActorName = actor?.Name ?? SlaClocks.MonitorName, At = at, Text = text, From = from, To = to,
                });
            Add(TimelineEventKind.Created, d.TriggeredAt, owner, d.Title, to: d.Severity.ToString());
            var targets = SlaTargets.DefaultFor(d.Severity);
            foreach (var clock in SlaClocks.For(targets, d.TriggeredAt, d.AcknowledgedAt, d.MitigatedAt, d.ResolvedAt, now).Where(c => c.Breached))
            {
                version++;
                Add(TimelineEventKind.SlaBreached, clock.Due, null, $"{clock.Kind} target missed for {d.Severity}.", to: clock.Kind.ToString());
                if (clock.Kind == SlaKind.Acknowledge)
                {
                    incident.AcknowledgeBreached = true;
                }
                else
                {
                    incident.MitigateBreached = true;
                }
            }
            if (d.AcknowledgedAt is { } ack)
            {
                version++;
                Add(TimelineEventKind.Acknowledged, ack, owner, from: nameof(IncidentStatus.Triggered), to: nameof(IncidentStatus.Acknowledged));
                Add(TimelineEventKind.Assigned, ack, owner, to: owner.Name);
            }
            if (d.MitigatedAt is { } mitigated)
            {
                version++;
                Add(TimelineEventKind.StatusChanged, mitigated, owner, from: nameof(IncidentStatus.Acknowledged), to: nameof(IncidentStatus.Mitigated));
            }
            if (d.ResolvedAt is { } resolved)
            {
                version++;
                Add(TimelineEventKind.StatusChanged, resolved, owner, d.ResolutionNote, d.MitigatedAt is null ? nameof(IncidentStatus.Acknowledged) : nameof(IncidentStatus.Mitigated), nameof(IncidentStatus.Resolved));
            }
            incident.Version = version;
        }
        // Thousands of rows: in sets, not through SaveChanges' per-row work (SetInsert); the incidents come back with their numbers.
        await SetInsert.SaveAsync(db, [typeof(Incident), typeof(TimelineEvent)], cancellationToken, keysBack: true);
        await SeedAlertsAsync(db, rows, history, now, cancellationToken);
        await SeedPagesAsync(db, [.. rows.Select(r => (r, r.Version))], now, cancellationToken);
        await DemoRcaSeeder.SeedAsync(db, world, rows, now, cancellationToken);
        return rows.Count;
    }
}
