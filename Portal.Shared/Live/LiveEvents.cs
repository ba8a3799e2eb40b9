using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;

namespace Portal.Shared.Live;

/// <summary>
/// A small hint that an incident changed, published after commit. Subscribers that see a version gap, or reconnect,
/// re-read from the database, which stays the source of truth.
/// </summary>
/// <param name="Number">The incident number.</param>
/// <param name="Version">The incident's version after the change.</param>
/// <param name="Kind">What happened, as a timeline kind ("Created", "Acknowledged", "Comment", ...).</param>
/// <param name="Title">The incident's title.</param>
/// <param name="Status">The incident's status after the change.</param>
/// <param name="Severity">The incident's severity after the change.</param>
/// <param name="Service">The service slug, if any.</param>
/// <param name="Team">The team slug, if any.</param>
/// <param name="Region">The region code.</param>
/// <param name="Assignee">The assignee's handle, if any.</param>
/// <param name="UpdatedAt">When the change was committed (UTC).</param>
public sealed record IncidentChanged(
    long Number, int Version, TimelineEventKind Kind, string Title, IncidentStatus Status, Severity Severity,
    string? Service, string? Team, RegionCode Region, string? Assignee, DateTimeOffset UpdatedAt);

/// <summary>The one fan-out point per node: in memory, or over Redis pub/sub when scaled out.</summary>
public interface ILiveFeed
{
    /// <summary>Sends an event to every subscriber on every node. Call only after the change is committed.</summary>
    ValueTask PublishAsync(IncidentChanged change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives every event published from now on, in order, on a background reader; dispose to stop. A subscriber
    /// that falls too far behind loses the oldest events and is told so by <paramref name="onOverflow"/>, so it can
    /// re-read.
    /// </summary>
    IDisposable Subscribe(Func<IncidentChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null);

    /// <summary>Sends a case's change to every subscriber on every node. Call only after the change is committed.</summary>
    ValueTask PublishAsync(CaseChanged change, CancellationToken cancellationToken = default);

    /// <summary>Receives every case change published from now on, as <see cref="Subscribe"/> does for incidents.</summary>
    IDisposable SubscribeCases(Func<CaseChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null);

    /// <summary>Sends a notice (a person's notification, a schedule change) to every node. Call only after commit.</summary>
    ValueTask PublishAsync(LiveNotice notice, CancellationToken cancellationToken = default);

    /// <summary>Receives every notice published from now on, on a background reader; dispose to stop.</summary>
    IDisposable SubscribeNotices(Func<LiveNotice, ValueTask> onNotice);
}

/// <summary>
/// A small hint that something other than an incident changed, published after commit: a person got a notification
/// (<c>person:{id}</c>), a schedule's overrides or swaps changed (<c>schedule:{id}</c>). Readers re-read what they show.
/// </summary>
/// <param name="Topic">Who it concerns: <see cref="ForPerson"/> or <see cref="ForSchedule"/>.</param>
/// <param name="Kind">What happened, e.g. "page", "swap-requested", "override-created".</param>
/// <param name="Text">One line a person can read in a toast.</param>
/// <param name="Link">Where the toast leads, if anywhere.</param>
public sealed record LiveNotice(string Topic, string Kind, string Text, string? Link = null)
{
    public static string ForPerson(int personId) => $"person:{personId}";

    public static string ForSchedule(int scheduleId) => $"schedule:{scheduleId}";
}

/// <summary>A small hint that a case changed, published after commit; subscribers re-read what they show.</summary>
/// <param name="Number">The case number.</param>
/// <param name="Version">The case's version after the change.</param>
/// <param name="Kind">What happened, as a timeline kind ("Created", "Replied", ...).</param>
/// <param name="Subject">The case's subject.</param>
/// <param name="Status">The status after the change.</param>
/// <param name="Priority">The priority after the change.</param>
/// <param name="Region">The region code.</param>
/// <param name="Team">The team slug, if any.</param>
/// <param name="Assignee">The assignee's handle, if any.</param>
/// <param name="UpdatedAt">When the change was committed (UTC).</param>
public sealed record CaseChanged(
    long Number, int Version, CaseEventKind Kind, string Subject, CaseStatus Status, CasePriority Priority, RegionCode Region,
    string? Team, string? Assignee, DateTimeOffset UpdatedAt);
