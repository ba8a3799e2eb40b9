using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>Wakes the escalation processor on this node when an incident starts escalating.</summary>
public sealed class EscalationSignal : Background.ProcessorSignal;

/// <summary>
/// The escalation of triggered incidents (policies as code: <see cref="EscalationPolicyService"/>): each due step is
/// claimed through the escalation's version, so any number of nodes can process steps and each level is paged once.
/// </summary>
public sealed class EscalationService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, NotificationService notifications, TimeProvider clock)
{
    public const string Escalator = "Escalation";

    /// <summary>
    /// Starts the escalation of a new incident whose service has a policy, in the caller's unit of work: the
    /// incident and its escalation commit together. Returns whether it did.
    /// </summary>
    /// <remarks><paramref name="firstAt"/> holds the first page back (self-healing tries first); <see cref="PageNowAsync"/> ends the hold.</remarks>
    public static bool Stage(PortalDbContext db, Incident incident, int? policyId, DateTimeOffset now, DateTimeOffset? firstAt = null)
    {
        if (policyId is not { } id || incident.Status != IncidentStatus.Triggered)
        {
            return false;
        }
        db.Escalations.Add(new IncidentEscalation { Incident = incident, PolicyId = id, State = EscalationState.Active, NextAt = firstAt ?? now, StartedAt = now, Version = 1 });
        return true;
    }

    /// <summary>
    /// Ends a hold on an incident's next page (a self-healing attempt failed or was refused): the escalation is due now.
    /// Returns whether it was held; the caller wakes <see cref="EscalationSignal"/>.
    /// </summary>
    public async Task<bool> PageNowAsync(long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return await db.Escalations.Where(e => e.IncidentNumber == incident && e.State == EscalationState.Active && e.Level == 0 && e.Round == 0 && e.NextAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.NextAt, now).SetProperty(e => e.Version, e => e.Version + 1), cancellationToken) > 0;
    }

    /// <summary>The policy of a service, for <see cref="Stage"/>.</summary>
    public static Task<int?> PolicyOfAsync(PortalDbContext db, int? serviceId, CancellationToken cancellationToken) =>
        serviceId is { } id
            ? db.Services.Where(s => s.Id == id).Select(s => s.EscalationPolicyId).FirstOrDefaultAsync(cancellationToken)
            : Task.FromResult<int?>(null);

    /// <summary>Where an incident's escalation stands, or null when its service has no policy.</summary>
    public async Task<EscalationStatus?> StatusAsync(long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var e = await db.Escalations.AsNoTracking().FirstOrDefaultAsync(x => x.IncidentNumber == incident, cancellationToken);
        var policy = e is null ? null : await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == e.PolicyId, cancellationToken);
        return e is null || policy is null ? null
            : new EscalationStatus(e.IncidentNumber, policy.Id, policy.Name, e.State, e.Level, policy.Levels.Count, e.Round, e.NextAt);
    }

    // ---- the processor's work ----

    /// <summary>Takes every escalation step that is due now. Returns how many steps this call took (others may have taken the rest).</summary>
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<long> due;
        await using (var scan = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = await scan.Escalations.AsNoTracking().Where(e => e.State == EscalationState.Active && e.NextAt <= now)
                .OrderBy(e => e.NextAt).Select(e => e.IncidentNumber).Take(RoundSize).ToListAsync(cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        // Who can be paged is read once for the round, not again by every step while it holds the write lock.
        Task<PagingBook>? book = null;
        Task<PagingBook> Book() => book ??= PagingBook.ReadAsync(factory, now);
        // A round, once begun, runs to its end: stopping a node must not abandon claimed steps halfway.
        if (await RoundAsync(due, now, Book, CancellationToken.None) is { } taken)
        {
            return taken;
        }
        // Another node claimed some of these meanwhile: take them one at a time, so that each claim says who has which.
        taken = 0;
        foreach (var number in due)
        {
            taken += await RoundAsync([number], now, Book, CancellationToken.None) ?? 0;
        }
        return taken;
    }

    /// <summary>The rows a round adds, principals first, for <see cref="SetInsert"/>.</summary>
    public static readonly IReadOnlyList<Type> NewRows = [typeof(TimelineEvent), typeof(Notification), typeof(Delivery)];

    /// <summary>The most steps one round takes in one transaction (an alert storm pages hundreds of incidents at once).</summary>
    private const int RoundSize = 200;

    /// <summary>
    /// Takes the due steps of these incidents in one transaction: one claim, one read of the incidents, policies and
    /// channels, one save. Returns how many it took, or null when another node claimed one first (nothing is written).
    /// </summary>
    private async Task<int?> RoundAsync(List<long> numbers, DateTimeOffset now, Func<Task<PagingBook>> book, CancellationToken cancellationToken)
    {
        if (numbers.Count == 0)
        {
            return 0;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var escalations = await db.Escalations.Where(e => numbers.Contains(e.IncidentNumber) && e.State == EscalationState.Active && e.NextAt <= now)
            .ToListAsync(cancellationToken);
        if (escalations.Count == 0)
        {
            return 0;
        }
        // Claim the steps first. The incidents are read after the claim, inside the same transaction, so an
        // acknowledgement that commits meanwhile is seen here (on SQLite the transaction holds the write lock; on
        // PostgreSQL the window is one statement) and nobody is paged for an incident someone already owns.
        escalations.ForEach(e => e.Version++);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return null;
        }
        var claimed = escalations.Select(e => e.IncidentNumber).ToList();
        var policyIds = escalations.Select(e => e.PolicyId).Distinct().ToList();
        var incidents = await db.Incidents.AsNoTracking().Where(i => claimed.Contains(i.Number)).ToDictionaryAsync(i => i.Number, cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var channels = await NotificationService.ChannelsAsync(db, cancellationToken);
        var notices = new List<LiveNotice>();
        var written = new List<(long Number, TimelineEventKind Kind)>();
        foreach (var escalation in escalations)
        {
            escalation.Version++;
            var incident = incidents[escalation.IncidentNumber];
            if (incident.Status != IncidentStatus.Triggered || policies.GetValueOrDefault(escalation.PolicyId) is not { } policy)
            {
                // Acknowledged, mitigated or resolved since the last step (the timeline already says by whom): stop quietly.
                (escalation.State, escalation.NextAt) = (EscalationState.Stopped, null);
                continue;
            }
            var step = EscalationRules.Step(policy, escalation.Level, escalation.Round);
            if (escalation.Level > 0 || escalation.Round > 0)
            {
                db.Timeline.Add(Entry(incident, TimelineEventKind.Escalated, now, EscalatedText(policy, escalation, step)));
                if (step.Finishes)
                {
                    written.Add((incident.Number, TimelineEventKind.Escalated));
                }
            }
            if (step.Finishes)
            {
                (escalation.State, escalation.NextAt) = (EscalationState.Exhausted, null);
                continue;
            }
            var level = step.NotifyLevel!.Value;
            var paged = Page(await book(), policy.Levels[level].Targets);
            var wait = paged.People.Count == 0 ? TimeSpan.Zero : step.Wait;
            db.Timeline.Add(Entry(incident, TimelineEventKind.Paged, now, PagedText(level, paged, wait)));
            written.Add((incident.Number, TimelineEventKind.Paged));
            var draft = new NoticeDraft(NotificationKind.Page, $"{incident.Key} {incident.Severity}: {incident.Title}",
                $"Level {level + 1} of \"{policy.Name}\". Acknowledge within {Minutes(step.Wait)} or it escalates.", $"/incidents/{incident.Key}", incident.Number);
            notices.AddRange(NotificationService.Stage(db, channels, [.. paged.People.Keys], paged.Teams, draft, now));
            (escalation.Level, escalation.Round, escalation.NextAt) = (step.NextLevel, step.NextRound, now + wait);
        }
        await SetInsert.SaveAsync(db, NewRows, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var hint in written.Count == 0 ? [] : await IncidentQueries.LiveHintsAsync(db, written, cancellationToken))
        {
            await feed.PublishAsync(hint, cancellationToken);
        }
        await notifications.PublishAsync(notices, cancellationToken);
        return escalations.Count;
    }

    /// <summary>The people a level pages (each named with what put them there), the teams whose channels hear of it, and what reached nobody.</summary>
    private sealed record Paging(Dictionary<int, string> People, HashSet<int> Teams, List<string> Nobody);

    /// <summary>Who can be paged at one moment: active people, schedules and who is on call on each, policies, team names.</summary>
    private sealed record PagingBook(Dictionary<int, Person> People, List<Schedule> Schedules, Dictionary<int, EscalationPolicy> Policies,
        Dictionary<int, int> OnCall, Dictionary<int, string> Teams)
    {
        public static async Task<PagingBook> ReadAsync(IDbContextFactory<PortalDbContext> factory, DateTimeOffset now)
        {
            await using var db = await factory.CreateDbContextAsync();
            var people = await db.People.AsNoTracking().Where(p => p.Active).ToDictionaryAsync(p => p.Id);
            var schedules = await db.Schedules.AsNoTracking().ToListAsync();
            var policies = await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id);
            var onCall = await OnCallService.OnCallAtAsync(db, schedules, now, CancellationToken.None);
            var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name);
            return new PagingBook(people, schedules, policies, onCall, teams);
        }
    }

    private static Paging Page(PagingBook book, List<EscalationTarget> targets)
    {
        var paging = new Paging([], [], []);
        var (people, schedules, policies, onCall, teams) = (book.People, book.Schedules, book.Policies, book.OnCall, book.Teams);
        var seen = new HashSet<int>();
        Expand(targets);
        return paging;

        void Expand(List<EscalationTarget> level)
        {
            foreach (var target in level)
            {
                switch (target.Kind)
                {
                    case EscalationTargetKind.Person when people.TryGetValue(target.Id, out var named):
                        paging.People.TryAdd(target.Id, named.Name);
                        break;
                    case EscalationTargetKind.Schedule when schedules.FirstOrDefault(s => s.Id == target.Id) is { } schedule:
                        OnSchedule(schedule);
                        break;
                    case EscalationTargetKind.Team when teams.TryGetValue(target.Id, out var team):
                        paging.Teams.Add(target.Id);
                        var ofTeam = schedules.Where(s => s.TeamId == target.Id).ToList();
                        if (ofTeam.Count == 0)
                        {
                            paging.Nobody.Add($"{team} (no schedule)");
                        }
                        ofTeam.ForEach(OnSchedule);
                        break;
                    case EscalationTargetKind.Policy when policies.TryGetValue(target.Id, out var other) && seen.Add(other.Id) && other.Levels.Count > 0:
                        Expand(other.Levels[0].Targets);
                        break;
                }
            }
        }

        void OnSchedule(Schedule schedule)
        {
            if (schedule.TeamId is { } team)
            {
                paging.Teams.Add(team);
            }
            if (onCall.TryGetValue(schedule.Id, out var person) && people.TryGetValue(person, out var who))
            {
                paging.People.TryAdd(person, $"{who.Name} (on call for {schedule.Name})");
            }
            else
            {
                paging.Nobody.Add($"{schedule.Name} (nobody on call)");
            }
        }
    }

    private static string PagedText(int level, Paging paged, TimeSpan wait)
    {
        if (paged.People.Count == 0)
        {
            return $"Level {level + 1} found nobody to page: {string.Join(", ", paged.Nobody)}. Escalating at once.";
        }
        var text = $"Level {level + 1} paged {string.Join("; ", paged.People.Values)}. Escalates in {Minutes(wait)} unless acknowledged.";
        return paged.Nobody.Count > 0 ? $"{text} Not reached: {string.Join(", ", paged.Nobody)}." : text;
    }

    private static string EscalatedText(EscalationPolicy policy, IncidentEscalation escalation, EscalationStep step)
    {
        var previous = escalation.Level == 0 ? policy.Levels.Count : escalation.Level;
        var waited = Minutes(TimeSpan.FromMinutes(policy.Levels[Math.Min(previous, policy.Levels.Count) - 1].DelayMinutes));
        if (step.Finishes)
        {
            var rounds = policy.Repeat > 0 ? $", {policy.Repeat + 1} times over" : "";
            return $"Not acknowledged within {waited} of the last level: every level of \"{policy.Name}\" was paged{rounds}. Escalation finished.";
        }
        return escalation.Level == 0
            ? $"Not acknowledged within {waited}: starting \"{policy.Name}\" again from level 1 (repeat {escalation.Round} of {policy.Repeat})."
            : $"Not acknowledged within {waited}: escalating to level {escalation.Level + 1}.";
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes == 1 ? "1 minute" : $"{span.TotalMinutes:0} minutes";

    private static TimelineEvent Entry(Incident incident, TimelineEventKind kind, DateTimeOffset now, string text) =>
        // Not a change of the incident: its version stays, so a person acknowledging at this moment never conflicts with it.
        new() { IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = kind, ActorName = Escalator, At = now, Text = text };

}
