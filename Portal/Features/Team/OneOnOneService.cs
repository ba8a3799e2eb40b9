using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

public sealed record OneOnOneItemView(int Id, int MeetingId, OneOnOneItemKind Kind, string Text, string Author, string? Owner, string? OwnerName,
    DateTimeOffset? DoneAt, int Carried, DateTimeOffset CreatedAt)
{
    public bool Done => DoneAt is not null;
}

/// <summary>A meeting; <see cref="PrivateNote"/> is the viewer's own private note, never anyone else's.</summary>
public sealed record MeetingView(int Id, DateTimeOffset ScheduledAt, DateTimeOffset? HeldAt, string? SharedNotes, int Version, string? PrivateNote,
    IReadOnlyList<OneOnOneItemView> Agenda, IReadOnlyList<OneOnOneItemView> ActionsAgreed);

public sealed record SeriesView(int Id, string Manager, string ManagerName, string Report, string ReportName, int CadenceDays, bool Active, bool Overdue,
    MeetingView? Next, IReadOnlyList<OneOnOneItemView> OpenActions, IReadOnlyList<MeetingView> History, bool ViewerIsManager);

public sealed record SeriesInput(int CadenceDays, DateTimeOffset? FirstAt);

public sealed record ItemInput([property: MultiLine] string? Text, string? Owner);

public sealed record NotesInput([property: MultiLine] string? Text, int Version);

/// <summary>
/// 1:1s between a manager and a report: agenda either can add to, shared notes, the manager's private notes (only
/// their writer reads them), and action items carried from meeting to meeting until done.
/// </summary>
public sealed class OneOnOneService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public static readonly IReadOnlyList<int> Cadences = [7, 14, 28];

    /// <summary>A 1:1 is overdue once its meeting is a day past and not marked held.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromDays(1);

    /// <summary>The 1:1 series of <paramref name="handle"/> with their managers: for them and their chain (audited), 404 to others.</summary>
    public async Task<IReadOnlyList<SeriesView>> ListAsync(ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, CoachingAccess.CanReadCoaching(subject.Relation), "1:1 notes", clock.GetUtcNow(), true, cancellationToken);
        var ids = await db.OneOnOneSeries.AsNoTracking().Where(s => s.ReportId == subject.Id).OrderByDescending(s => s.Active).ThenBy(s => s.Id).Select(s => s.Id).ToListAsync(cancellationToken);
        var views = new List<SeriesView>();
        foreach (var id in ids)
        {
            views.Add(await ViewAsync(db, viewer, id, cancellationToken));
        }
        return views;
    }

    public async Task<SeriesView> StartAsync(ClaimsPrincipal viewer, string handle, SeriesInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, subject.Relation == Relation.Manager, "1:1 notes", now, false, cancellationToken);
        if (!Cadences.Contains(input.CadenceDays))
        {
            throw new ValidationException("cadenceDays", "A 1:1 repeats every 7, 14 or 28 days.");
        }
        var managerId = viewer.GetPersonId()!.Value;
        if (await db.OneOnOneSeries.AnyAsync(s => s.ManagerId == managerId && s.ReportId == subject.Id && s.Active, cancellationToken))
        {
            throw new ConflictException($"You already have a 1:1 series with {subject.Name}.");
        }
        var first = input.FirstAt ?? now.AddDays(1);
        if (first < now.AddDays(-1) || first > now.AddDays(90))
        {
            throw new ValidationException("firstAt", "The first meeting is between yesterday and 90 days ahead.");
        }
        var series = new OneOnOneSeries { ManagerId = managerId, ReportId = subject.Id, CadenceDays = input.CadenceDays, CreatedAt = now };
        db.OneOnOneSeries.Add(series);
        await db.SaveChangesAsync(cancellationToken);
        db.OneOnOneMeetings.Add(new OneOnOneMeeting { SeriesId = series.Id, ScheduledAt = first, Version = 1 });
        db.Audit(viewer, now, "oneonone.started", $"1:1 with {subject.Handle}", $"every {input.CadenceDays} days");
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, series.Id, cancellationToken);
    }

    /// <summary>Adds an item to the next meeting's agenda (either person) or an action item with its owner (one of the two).</summary>
    public async Task<SeriesView> AddItemAsync(ClaimsPrincipal viewer, int seriesId, OneOnOneItemKind kind, ItemInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (series, _) = await SeriesForAsync(db, viewer, seriesId, cancellationToken);
        var text = input.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > CoachingLimits.Line)
        {
            throw new ValidationException("text", $"Write the item in 1 to {CoachingLimits.Line} characters.");
        }
        var next = await NextMeetingAsync(db, series.Id, cancellationToken)
            ?? throw new ConflictException("This series has ended; start a new one to add items.");
        int? owner = null;
        if (kind == OneOnOneItemKind.Action)
        {
            var handle = input.Owner?.Trim().ToLowerInvariant();
            owner = await db.People.Where(p => p.Handle == handle && (p.Id == series.ManagerId || p.Id == series.ReportId)).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("owner", "An action item belongs to one of the two people of the 1:1.");
        }
        db.OneOnOneItems.Add(new OneOnOneItem
        {
            SeriesId = series.Id, MeetingId = next.Id, Kind = kind, Text = text, AuthorId = viewer.GetPersonId()!.Value, OwnerId = owner, CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, series.Id, cancellationToken);
    }

    /// <summary>Marks an agenda item discussed, or an action item done (or not).</summary>
    public async Task<SeriesView> SetDoneAsync(ClaimsPrincipal viewer, int itemId, bool done, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var item = await db.OneOnOneItems.FirstOrDefaultAsync(i => i.Id == itemId, cancellationToken)
            ?? throw await ReportingLines.DeniedAsync(db, viewer, $"1:1 item {itemId}", clock.GetUtcNow(), cancellationToken);
        await SeriesForAsync(db, viewer, item.SeriesId, cancellationToken);
        item.DoneAt = done ? item.DoneAt ?? clock.GetUtcNow() : null;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, item.SeriesId, cancellationToken);
    }

    /// <summary>Saves the shared notes of a meeting; the version must match (409 otherwise, so nobody's notes are lost).</summary>
    public async Task<SeriesView> SaveSharedNotesAsync(ClaimsPrincipal viewer, int meetingId, NotesInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var meeting = await MeetingForAsync(db, viewer, meetingId, cancellationToken);
        if (input.Text?.Length > CoachingLimits.Notes)
        {
            throw new ValidationException("text", $"Notes are at most {CoachingLimits.Notes} characters.");
        }
        if (meeting.Version != input.Version)
        {
            throw new ConflictException("The other person saved these notes meanwhile. Copy your text, reload, and add it again.");
        }
        meeting.SharedNotes = string.IsNullOrWhiteSpace(input.Text) ? null : input.Text;
        meeting.Version++;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, meeting.SeriesId, cancellationToken);
    }

    /// <summary>Saves the viewer's private note on a meeting: only a manager of the report writes one, and only its writer ever reads it.</summary>
    public async Task<SeriesView> SavePrivateNoteAsync(ClaimsPrincipal viewer, int meetingId, string? text, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var meeting = await MeetingForAsync(db, viewer, meetingId, cancellationToken);
        var series = await db.OneOnOneSeries.AsNoTracking().FirstAsync(s => s.Id == meeting.SeriesId, cancellationToken);
        var subject = await ReportingLines.SubjectAsync(db, viewer, series.ReportId, cancellationToken);
        if (subject.Relation != Relation.Manager)
        {
            throw new ValidationException("text", "Private notes are for the manager; write in the shared notes.");
        }
        if (text?.Length > CoachingLimits.Notes)
        {
            throw new ValidationException("text", $"Notes are at most {CoachingLimits.Notes} characters.");
        }
        var author = viewer.GetPersonId()!.Value;
        var note = await db.OneOnOnePrivateNotes.FirstOrDefaultAsync(n => n.MeetingId == meetingId && n.AuthorId == author, cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (note is not null)
            {
                db.OneOnOnePrivateNotes.Remove(note);
            }
        }
        else if (note is null)
        {
            db.OneOnOnePrivateNotes.Add(new OneOnOnePrivateNote { MeetingId = meetingId, AuthorId = author, Text = text, UpdatedAt = clock.GetUtcNow() });
        }
        else
        {
            (note.Text, note.UpdatedAt) = (text, clock.GetUtcNow());
        }
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, series.Id, cancellationToken);
    }

    /// <summary>
    /// Marks the meeting held and schedules the next one a cadence later (skipping past dates); agenda items not
    /// discussed move on to it. Open action items stay open and show at every meeting until done.
    /// </summary>
    public async Task<SeriesView> CompleteAsync(ClaimsPrincipal viewer, int meetingId, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var meeting = await MeetingForAsync(db, viewer, meetingId, cancellationToken);
        if (meeting.HeldAt is not null)
        {
            throw new ConflictException("This meeting is already marked as held.");
        }
        var series = await db.OneOnOneSeries.FirstAsync(s => s.Id == meeting.SeriesId, cancellationToken);
        var now = clock.GetUtcNow();
        meeting.HeldAt = now;
        meeting.Version++;
        var nextAt = meeting.ScheduledAt.AddDays(series.CadenceDays);
        while (nextAt <= now)
        {
            nextAt = nextAt.AddDays(series.CadenceDays);
        }
        var next = new OneOnOneMeeting { SeriesId = series.Id, ScheduledAt = nextAt, Version = 1 };
        db.OneOnOneMeetings.Add(next);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var item in await db.OneOnOneItems.Where(i => i.MeetingId == meeting.Id && i.Kind == OneOnOneItemKind.Agenda && i.DoneAt == null).ToListAsync(cancellationToken))
        {
            item.MeetingId = next.Id;
            item.Carried++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, viewer, series.Id, cancellationToken);
    }

    private async Task<(OneOnOneSeries Series, Subject Report)> SeriesForAsync(PortalDbContext db, ClaimsPrincipal viewer, int seriesId, CancellationToken cancellationToken)
    {
        var series = await db.OneOnOneSeries.AsNoTracking().FirstOrDefaultAsync(s => s.Id == seriesId, cancellationToken)
            ?? throw await ReportingLines.DeniedAsync(db, viewer, $"1:1 series {seriesId}", clock.GetUtcNow(), cancellationToken);
        var report = await ReportingLines.SubjectAsync(db, viewer, series.ReportId, cancellationToken);
        if (!CoachingAccess.CanReadCoaching(report.Relation))
        {
            throw await ReportingLines.DeniedAsync(db, viewer, $"1:1 series {seriesId}", clock.GetUtcNow(), cancellationToken);
        }
        return (series, report);
    }

    private async Task<OneOnOneMeeting> MeetingForAsync(PortalDbContext db, ClaimsPrincipal viewer, int meetingId, CancellationToken cancellationToken)
    {
        var meeting = await db.OneOnOneMeetings.FirstOrDefaultAsync(m => m.Id == meetingId, cancellationToken)
            ?? throw await ReportingLines.DeniedAsync(db, viewer, $"1:1 meeting {meetingId}", clock.GetUtcNow(), cancellationToken);
        await SeriesForAsync(db, viewer, meeting.SeriesId, cancellationToken);
        return meeting;
    }

    private static Task<OneOnOneMeeting?> NextMeetingAsync(PortalDbContext db, int seriesId, CancellationToken cancellationToken) =>
        db.OneOnOneMeetings.Where(m => m.SeriesId == seriesId && m.HeldAt == null).OrderBy(m => m.ScheduledAt).FirstOrDefaultAsync(cancellationToken);

    private async Task<SeriesView> ViewAsync(PortalDbContext db, ClaimsPrincipal viewer, int seriesId, CancellationToken cancellationToken)
    {
        var viewerId = viewer.GetPersonId();
        var series = await db.OneOnOneSeries.AsNoTracking().FirstAsync(s => s.Id == seriesId, cancellationToken);
        var names = await db.People.AsNoTracking().Where(p => p.Id == series.ManagerId || p.Id == series.ReportId
                || db.OneOnOneItems.Any(i => i.SeriesId == seriesId && (i.AuthorId == p.Id || i.OwnerId == p.Id)))
            .ToDictionaryAsync(p => p.Id, p => (p.Handle, p.Name), cancellationToken);
        var meetings = await db.OneOnOneMeetings.AsNoTracking().Where(m => m.SeriesId == seriesId).OrderByDescending(m => m.ScheduledAt).ToListAsync(cancellationToken);
        var items = await db.OneOnOneItems.AsNoTracking().Where(i => i.SeriesId == seriesId).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).ToListAsync(cancellationToken);
        var meetingIds = meetings.Select(m => m.Id).ToList();
        var mine = viewerId is { } me
            ? await db.OneOnOnePrivateNotes.AsNoTracking().Where(n => n.AuthorId == me && meetingIds.Contains(n.MeetingId)).ToDictionaryAsync(n => n.MeetingId, n => n.Text, cancellationToken)
            : [];

        OneOnOneItemView View(OneOnOneItem i) => new(i.Id, i.MeetingId, i.Kind, i.Text, names.GetValueOrDefault(i.AuthorId).Name ?? "someone",
            i.OwnerId is { } o ? names.GetValueOrDefault(o).Handle : null, i.OwnerId is { } o2 ? names.GetValueOrDefault(o2).Name : null, i.DoneAt, i.Carried, i.CreatedAt);
        MeetingView Meeting(OneOnOneMeeting m) => new(m.Id, m.ScheduledAt, m.HeldAt, m.SharedNotes, m.Version, mine.GetValueOrDefault(m.Id),
            [.. items.Where(i => i.MeetingId == m.Id && i.Kind == OneOnOneItemKind.Agenda).Select(View)],
            [.. items.Where(i => i.MeetingId == m.Id && i.Kind == OneOnOneItemKind.Action).Select(View)]);

        var next = meetings.Where(m => m.HeldAt is null).MinBy(m => m.ScheduledAt);
        var now = clock.GetUtcNow();
        return new SeriesView(series.Id, names[series.ManagerId].Handle, names[series.ManagerId].Name, names[series.ReportId].Handle, names[series.ReportId].Name,
            series.CadenceDays, series.Active, series.Active && next is not null && next.ScheduledAt + OverdueAfter < now,
            next is null ? null : Meeting(next),
            [.. items.Where(i => i.Kind == OneOnOneItemKind.Action && i.DoneAt is null).Select(View)],
            [.. meetings.Where(m => m.HeldAt is not null).Select(Meeting)],
            viewerId is { } v && v != series.ReportId);
    }
}
