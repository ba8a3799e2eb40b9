using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>The demo world's history: 90 days of incidents with their timelines, the pages they sent, and RCAs.</summary>
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
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Corrections of Error for the history's resolved SEV1 and SEV2 incidents, in every state, with action items open,
    /// overdue and closed; and one family where the problem came back after its fix.
    /// </summary>
    private static async Task SeedRcasAsync(PortalDbContext db, DemoWorld world, List<Incident> incidents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var serious = incidents.Where(i => i.Severity <= Severity.SEV2 && i.ResolvedAt is not null && i.AssigneeId is not null).OrderBy(i => i.TriggeredAt).ToList();
        var states = new[] { RcaState.Published, RcaState.Published, RcaState.Approved, RcaState.InReview, RcaState.Draft, RcaState.Draft };
        var created = new List<(RcaDocument Rca, Incident Incident)>();
        for (var n = 0; n < Math.Min(states.Length, serious.Count); n++)
        {
            var incident = serious[n * serious.Count / states.Length];
            var author = incident.AssigneeId!.Value;
            var teamSlug = world.Teams.FirstOrDefault(t => t.Region == incident.Region)?.Slug;
            var reviewer = people[world.People.First(p => p.Role == PortalRole.Manager && p.TeamSlug == teamSlug).Handle];
            var resolved = incident.ResolvedAt!.Value;
            var state = states[n];
            var complete = state != RcaState.Draft || n == states.Length - 1;
            var rca = new RcaDocument
            {
                Title = $"{incident.Key}: {incident.Title}", State = state, AuthorId = author, Reviewers = [reviewer],
                Summary = complete ? $"{incident.Title}. Advertisers saw delays until it was resolved {(resolved - incident.TriggeredAt).TotalMinutes:0} minutes later." : null,
                AdvertisersAffected = incident.AdvertisersAffected, RevenueImpactUsd = incident.RevenueAtRiskUsd, ImpactMinutes = (int)(resolved - incident.TriggeredAt).TotalMinutes,
                Regions = [incident.Region.ToString()],
                Timeline = RcaRules.DraftTimeline([incident], [], null).Entries,
                Whys = complete
                    ?
                    [
                        new WhyNode
                        {
                            Question = "Why did it happen?", Answer = "A deploy changed a default that the job relied on.",
                            Children = [new WhyNode { Question = "Why was the default changed?", Answer = "A library upgrade; its changelog was not read." }, new WhyNode { Question = "Why did tests not catch it?", Answer = "No test covers the job with production-sized data." }],
                        },
                    ]
                    : [],
                RootCause = complete ? RootCauseCategory.CodeChange : null,
                ContributingFactors = complete ? "The change went out late on a Friday." : null,
                WentWell = complete ? "Rollback was quick once the cause was known." : null,
                Lessons = complete ? "Read upgrade changelogs; test jobs at production size." : null,
                DueAt = RcaRules.DueAt(incident.Severity, resolved), CreatedAt = resolved.AddHours(2), UpdatedAt = resolved.AddDays(1),
                PublishedAt = state == RcaState.Published ? resolved.AddDays(4) : null, Version = 3,
            };
            db.Rcas.Add(rca);
            created.Add((rca, incident));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (rca, incident) in created)
        {
            db.RcaIncidents.Add(new RcaIncident { RcaId = rca.Id, IncidentNumber = incident.Number });
            var resolved = incident.ResolvedAt!.Value;
            var done = rca.State == RcaState.Published;
            db.ActionItems.Add(new ActionItem
            {
                RcaId = rca.Id, Title = $"Add a test for {incident.Title.ToLowerInvariant()} at production size", OwnerId = rca.AuthorId, Kind = ActionKind.Prevent, Priority = ActionPriority.P1,
                DueDate = DateOnly.FromDateTime(resolved.AddDays(14).UtcDateTime), Status = done ? ActionStatus.Closed : ActionStatus.Open, CreatedAt = resolved.AddDays(1), Version = 1,
                ClosedAt = done ? resolved.AddDays(10) : null, ClosedById = done ? rca.AuthorId : null, VerificationNote = done ? "Test in CI; it fails on the old default." : null,
            });
            db.ActionItems.Add(new ActionItem
            {
                RcaId = rca.Id, Title = "Alert when the job runs 20% slower than its weekly median", OwnerId = rca.Reviewers[0], Kind = ActionKind.Detect, Priority = ActionPriority.P2,
                DueDate = DateOnly.FromDateTime(resolved.AddDays(21).UtcDateTime), Status = ActionStatus.Open, CreatedAt = resolved.AddDays(1), Version = 1,
            });
            foreach (var (kind, at, text) in rca.State switch
            {
                RcaState.Published => new[] { (RcaEventKind.Submitted, resolved.AddDays(2), (string?)null), (RcaEventKind.Approved, resolved.AddDays(3), null), (RcaEventKind.Published, resolved.AddDays(4), null) },
                RcaState.Approved => [(RcaEventKind.Submitted, resolved.AddDays(2), null), (RcaEventKind.Approved, resolved.AddDays(3), null)],
                RcaState.InReview => [(RcaEventKind.Submitted, resolved.AddDays(2), null), (RcaEventKind.Comment, resolved.AddDays(2).AddHours(3), "Can we say how many advertisers were charged late?")],
                _ => [],
            })
            {
                db.RcaEvents.Add(new RcaEvent { RcaId = rca.Id, Kind = kind, At = at, Text = text, AuthorId = kind == RcaEventKind.Submitted ? rca.AuthorId : rca.Reviewers[0], AuthorName = "Demo" });
            }
        }
        // The problem of the first published RCA came back after its fix: a later incident of the same service, linked by hand.
        if (created.FirstOrDefault(c => c.Rca.State == RcaState.Published) is { Rca: { } fixedRca, Incident: { } original }
            && incidents.FirstOrDefault(i => i.ServiceId == original.ServiceId && i.TriggeredAt > original.ResolvedAt!.Value.AddDays(10)) is { } again)
        {
            var family = new RecurrenceFamily { Key = $"manual:{original.Number}", Title = original.Title, CreatedAt = now };
            db.Families.Add(family);
            await db.SaveChangesAsync(cancellationToken);
            db.FamilyMembers.Add(new FamilyMember { IncidentNumber = original.Number, FamilyId = family.Id, Reason = "linked by hand" });
            db.FamilyMembers.Add(new FamilyMember { IncidentNumber = again.Number, FamilyId = family.Id, Reason = "linked by hand", RecurredAfterFix = true });
            (fixedRca.RecurredAfterFix, fixedRca.RecurrenceIncident) = (true, again.Number);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The incident history, once: only into an empty incidents table.</summary>
    /// <summary>The 90 days of incident history, with their pages and RCAs; returns how many incidents.</summary>
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
        await db.SaveChangesAsync(cancellationToken);

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
                    IncidentNumber = incident.Number, IncidentVersion = version, Kind = kind, ActorId = actor?.Id,
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
        await db.SaveChangesAsync(cancellationToken);
        await SeedPagesAsync(db, [.. rows.Select(r => (r, r.Version))], now, cancellationToken);
        await SeedRcasAsync(db, world, rows, now, cancellationToken);
        return rows.Count;
    }
}
