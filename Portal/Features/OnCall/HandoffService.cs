using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>The handoff of one shift: drafted by the portal, edited by the outgoing engineer, read by the incoming one.</summary>
public sealed record HandoffView(int? Id, int ScheduleId, string Schedule, DateTimeOffset ShiftEnd, string Author, string AuthorName,
    string? Incoming, string? IncomingName, string Body, bool Sent, DateTimeOffset? UpdatedAt, RegionCode? Region = null);

/// <summary>A handoff another module writes (Intelligence, with a chat model configured): OnCall names no module.</summary>
public interface IHandoffWriter
{
    /// <summary>Whether it can write now (a chat model is configured).</summary>
    bool Available { get; }

    /// <summary>A draft of the region's handoff, labelled; never sent by itself.</summary>
    Task<HandoffWritten> WriteAsync(ClaimsPrincipal user, RegionCode region, CancellationToken cancellationToken = default);

    /// <summary>Records what became of the draft once the handoff is sent: used as written, or edited.</summary>
    Task DecideAsync(ClaimsPrincipal user, long id, bool edited, CancellationToken cancellationToken = default);
}

public sealed record HandoffWritten(long Id, string Label, string Text, string? Note);

/// <summary>
/// Handoff notes. While someone is on call the portal drafts their handoff from what is live (open incidents of the
/// schedule's team or region, SLA breaches during the shift, what is still waiting on them); they edit it and send
/// it; whoever the schedule puts on call next sees it on "My shift" and is notified.
/// </summary>
public sealed class HandoffService(IDbContextFactory<PortalDbContext> factory, OnCallService oncall, NotificationService notifications, TimeProvider clock)
{
    public const int MaxBody = 20_000;

    /// <summary>The caller's handoff for each shift they are on now: the saved note, or a fresh draft.</summary>
    public async Task<List<HandoffView>> MineAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.AsNoTracking().FirstAsync(p => p.Id == me, cancellationToken);
        var views = new List<HandoffView>();
        foreach (var shift in await oncall.ForPersonNowAsync(person.Handle, cancellationToken))
        {
            var end = shift.Person!.Until;
            var incoming = await IncomingPersonAsync(db, shift.ScheduleId, end, cancellationToken);
            var saved = await db.HandoffNotes.AsNoTracking().FirstOrDefaultAsync(h => h.ScheduleId == shift.ScheduleId && h.AuthorId == me && h.ShiftEnd == end, cancellationToken);
            var body = saved?.Body ?? await DraftAsync(db, shift, person.Id, cancellationToken);
            views.Add(new HandoffView(saved?.Id, shift.ScheduleId, shift.Schedule, end, person.Handle, person.Name, incoming?.Handle, incoming?.Name, body, saved is not null, saved?.UpdatedAt,
                shift.Region));
        }
        return views;
    }

    /// <summary>Saves and sends the caller's handoff for their current shift on a schedule; sending again updates it.</summary>
    public async Task<HandoffView> SendAsync(ClaimsPrincipal user, int scheduleId, string? body, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var text = body?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new ValidationException("body", "Write the handoff first.");
        }
        if (text.Length > MaxBody)
        {
            throw new ValidationException("body", $"The handoff is {text.Length} characters; at most {MaxBody}.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.AsNoTracking().FirstAsync(p => p.Id == me, cancellationToken);
        var shift = (await oncall.ForPersonNowAsync(person.Handle, cancellationToken)).FirstOrDefault(s => s.ScheduleId == scheduleId)
            ?? throw new ConflictException("You are not on call on that schedule now, so there is no shift of yours to hand over.");
        var end = shift.Person!.Until;
        var incoming = await IncomingPersonAsync(db, scheduleId, end, cancellationToken);
        var now = clock.GetUtcNow();
        var note = await db.HandoffNotes.FirstOrDefaultAsync(h => h.ScheduleId == scheduleId && h.AuthorId == me && h.ShiftEnd == end, cancellationToken);
        if (note is null)
        {
            note = new HandoffNote { ScheduleId = scheduleId, AuthorId = me, ShiftEnd = end, Body = text, CreatedAt = now };
            db.HandoffNotes.Add(note);
        }
        (note.Body, note.IncomingId, note.UpdatedAt) = (text, incoming?.Id, now);
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = user.AuditName(), ActorId = me, Action = "oncall.handoff-sent", Target = shift.Schedule,
            Detail = string.Create(CultureInfo.InvariantCulture, $"shift ending {end:u}") + (incoming is null ? ", nobody on call next" : $", to {incoming.Handle}") });
        var notices = incoming is null || incoming.Id == me ? [] : await NotificationService.StageAsync(db, [incoming.Id], [],
            new NoticeDraft(NotificationKind.Handoff, $"Handoff from {person.Name} for {shift.Schedule}", "Read it on My shift before your shift starts.", "/#handoff"),
            now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
        return new HandoffView(note.Id, scheduleId, shift.Schedule, end, person.Handle, person.Name, incoming?.Handle, incoming?.Name, text, true, now, shift.Region);
    }

    /// <summary>Handoffs written to the caller for shifts that ended in the last day or end in the next twelve hours.</summary>
    public async Task<List<HandoffView>> ForMeAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var now = clock.GetUtcNow();
        var (from, to) = (now.AddDays(-1), now.AddHours(12));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var notes = await db.HandoffNotes.AsNoTracking().Where(h => h.IncomingId == me && h.ShiftEnd >= from && h.ShiftEnd <= to)
            .OrderByDescending(h => h.ShiftEnd).Take(10).ToListAsync(cancellationToken);
        var ids = notes.Select(n => n.AuthorId).Append(me).ToList();
        var people = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var scheduleIds = notes.Select(n => n.ScheduleId).ToList();
        var schedules = await db.Schedules.AsNoTracking().Where(s => scheduleIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. notes.Select(n => new HandoffView(n.Id, n.ScheduleId, schedules.GetValueOrDefault(n.ScheduleId) ?? "", n.ShiftEnd,
            people[n.AuthorId].Handle, people[n.AuthorId].Name, people[me].Handle, people[me].Name, n.Body, true, n.UpdatedAt))];
    }

    private async Task<Shared.Team.Person?> IncomingPersonAsync(PortalDbContext db, int scheduleId, DateTimeOffset shiftEnd, CancellationToken cancellationToken)
    {
        var next = (await oncall.OnCallAsync(null, null, shiftEnd, cancellationToken)).FirstOrDefault(n => n.ScheduleId == scheduleId)?.Person;
        return next is null ? null : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == next.Handle, cancellationToken);
    }

    /// <summary>The portal's draft: what is open for the schedule's team (or region), what breached this shift, what waits on the engineer.</summary>
    private static async Task<string> DraftAsync(PortalDbContext db, OnCallNow shift, int me, CancellationToken cancellationToken)
    {
        var since = shift.Person!.Since;
        var teamId = shift.Team is { } slug ? await db.Teams.Where(t => t.Slug == slug).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken) : null;
        var open = db.Incidents.AsNoTracking().Where(i => i.Status != IncidentStatus.Resolved);
        open = teamId is { } t ? open.Where(i => i.TeamId == t) : shift.Region is { } r ? open.Where(i => i.Region == r) : open;
        var incidents = await open.OrderBy(i => i.Severity).ThenBy(i => i.Number).Take(25)
            .Select(i => new { i.Number, i.Severity, i.Title, i.Status, Assignee = i.Assignee == null ? null : i.Assignee.Name }).ToListAsync(cancellationToken);
        var breaches = await db.Timeline.AsNoTracking().Where(e => e.Kind == TimelineEventKind.SlaBreached && e.At >= since)
            .Join(open, e => e.IncidentNumber, i => i.Number, (e, i) => new { i.Number, i.Title, e.To }).Take(25).ToListAsync(cancellationToken);
        var mine = await db.Incidents.AsNoTracking().Where(i => i.AssigneeId == me && i.Status != IncidentStatus.Resolved)
            .OrderBy(i => i.Number).Select(i => new { i.Number, i.Title, i.Status }).Take(25).ToListAsync(cancellationToken);
        var swaps = await db.Swaps.AsNoTracking().CountAsync(s => s.CoverId == me && s.State == SwapState.Requested, cancellationToken);

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"**Open incidents ({incidents.Count})**\n\n");
        foreach (var i in incidents)
        {
            text.Append(CultureInfo.InvariantCulture, $"- [{IncidentNumber.Format(i.Number)}](/incidents/{IncidentNumber.Format(i.Number)}) {i.Severity} {i.Title} ({i.Status.ToString().ToLowerInvariant()}, {i.Assignee ?? "unassigned"})\n");
        }
        if (incidents.Count == 0)
        {
            text.Append("- None.\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"\n**SLA breaches this shift ({breaches.Count})**\n\n");
        foreach (var b in breaches)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {IncidentNumber.Format(b.Number)} {b.Title}: {b.To?.ToLowerInvariant()} target missed\n");
        }
        if (breaches.Count == 0)
        {
            text.Append("- None.\n");
        }
        text.Append("\n**Still with me**\n\n");
        foreach (var i in mine)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {IncidentNumber.Format(i.Number)} {i.Title} ({i.Status.ToString().ToLowerInvariant()}): reassign or keep?\n");
        }
        if (swaps > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {swaps} swap request(s) waiting for my answer\n");
        }
        if (mine.Count == 0 && swaps == 0)
        {
            text.Append("- Nothing.\n");
        }
        text.Append("\n**Notes**\n\n- \n");
        return text.ToString();
    }

    private static int Me(ClaimsPrincipal user) => user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal hand over shifts.");
}
