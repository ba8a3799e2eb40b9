using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Features.Notifications;

/// <summary>One thing to tell people: staged inside the change that causes it, published after that change commits.</summary>
public sealed record NoticeDraft(NotificationKind Kind, string Title, string? Body = null, string? Link = null, long? Incident = null);

/// <summary>
/// The notification centre and outbound channels. Other services stage notifications inside their own transaction
/// (<see cref="StageAsync"/>), so a notification exists exactly when the change it reports does; the live toast goes
/// out after commit, and the dispatcher sends the channel deliveries.
/// </summary>
public sealed class NotificationService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, DeliverySignal signal, AuditWriter audit,
    OutboundAddresses outbound, IDataProtectionProvider protection)
{
    public const int MaxChannelsPerOwner = 10;

    /// <summary>The notice kind that says a person read notifications (their badges update; no toast).</summary>
    public const string ReadKind = "read";

    /// <summary>
    /// Adds the notifications of <paramref name="people"/> and a delivery for each enabled channel of theirs and of
    /// <paramref name="teams"/>. Returns the live notices to publish once the caller has committed.
    /// </summary>
    public static async Task<List<LiveNotice>> StageAsync(PortalDbContext db, IReadOnlyCollection<int> people, IReadOnlyCollection<int> teams, NoticeDraft draft,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var personIds = people.Distinct().ToList();
        var teamIds = teams.Distinct().ToList();
        var channels = personIds.Count == 0 && teamIds.Count == 0 ? [] : await db.Channels.AsNoTracking()
            .Where(c => c.Enabled && ((c.PersonId != null && personIds.Contains(c.PersonId.Value)) || (c.TeamId != null && teamIds.Contains(c.TeamId.Value))))
            .ToListAsync(cancellationToken);
        return Stage(db, channels, personIds, teamIds, draft, now);
    }

    /// <summary>Every enabled channel, for <see cref="Stage"/> when one unit of work stages many notices (an escalation round).</summary>
    public static Task<List<NotificationChannel>> ChannelsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.Channels.AsNoTracking().Where(c => c.Enabled).ToListAsync(cancellationToken);

    /// <summary>
    /// <see cref="StageAsync"/> with the channels already read (any superset of the enabled channels of these people and
    /// teams): a notification per person, a delivery per channel of theirs or of the teams.
    /// </summary>
    public static List<LiveNotice> Stage(PortalDbContext db, IReadOnlyList<NotificationChannel> channels, IReadOnlyCollection<int> people,
        IReadOnlyCollection<int> teams, NoticeDraft draft, DateTimeOffset now)
    {
        var notices = new List<LiveNotice>();
        var notifications = new Dictionary<int, Notification>();
        foreach (var person in people.Distinct())
        {
            var notification = new Notification
            {
                PersonId = person, Kind = draft.Kind, Title = Cap(draft.Title, 300)!, Body = Cap(draft.Body, 4000), Link = draft.Link,
                IncidentNumber = draft.Incident, CreatedAt = now,
            };
            db.Notifications.Add(notification);
            notifications[person] = notification;
            notices.Add(new LiveNotice(LiveNotice.ForPerson(person), draft.Kind.ToString().ToLowerInvariant(), draft.Title, draft.Link));
        }
        var teamIds = teams.ToHashSet();
        foreach (var channel in channels.Where(c => c.Enabled && ((c.PersonId is { } p && notifications.ContainsKey(p)) || (c.TeamId is { } t && teamIds.Contains(t)))))
        {
            db.Deliveries.Add(new Delivery
            {
                ChannelId = channel.Id, Notification = channel.PersonId is { } p ? notifications.GetValueOrDefault(p) : null, IncidentNumber = draft.Incident,
                Title = Cap(draft.Title, 300)!, Body = Cap(draft.Body, 4000), Link = draft.Link, State = DeliveryState.Pending, CreatedAt = now, NextAttemptAt = now, Version = 1,
            });
        }
        return notices;
    }

    /// <summary>Sends the live toasts of a committed change, and wakes the dispatcher for its deliveries.</summary>
    public async Task PublishAsync(IEnumerable<LiveNotice> notices, CancellationToken cancellationToken = default)
    {
        foreach (var notice in notices)
        {
            await feed.PublishAsync(notice, cancellationToken);
        }
        signal.Wake();
    }

    public async Task<List<NotificationView>> ListAsync(ClaimsPrincipal user, bool unreadOnly = false, int limit = 50, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Notifications.AsNoTracking().Where(n => n.PersonId == me);
        if (unreadOnly)
        {
            query = query.Where(n => n.ReadAt == null);
        }
        return await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(Math.Clamp(limit, 1, 200))
            .Select(n => new NotificationView(n.Id, n.Kind, n.Title, n.Body, n.Link, n.IncidentNumber, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(cancellationToken);
    }

    public async Task<int> UnreadCountAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.CountAsync(n => n.PersonId == me && n.ReadAt == null, cancellationToken);
    }

    /// <summary>Marks one notification read, or all of them when <paramref name="id"/> is null.</summary>
    public async Task<int> MarkReadAsync(ClaimsPrincipal user, long? id, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Notifications.Where(n => n.PersonId == me && n.ReadAt == null);
        if (id is { } one)
        {
            if (!await db.Notifications.AnyAsync(n => n.Id == one && n.PersonId == me, cancellationToken))
            {
                if (await db.Notifications.AnyAsync(n => n.Id == one, cancellationToken))
                {
                    throw await audit.NotYoursAsync(user, $"notification #{one}", cancellationToken);
                }
                throw new NotFoundException($"You have no notification #{one}.");
            }
            query = query.Where(n => n.Id == one);
        }
        var marked = await query.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        if (marked > 0)
        {
            await feed.PublishAsync(new LiveNotice(LiveNotice.ForPerson(me), ReadKind, ""), cancellationToken);
        }
        return marked;
    }

    /// <summary>The caller's channels and those of their team.</summary>
    public async Task<List<ChannelView>> ChannelsAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teamId = await db.People.Where(p => p.Id == me).Select(p => p.TeamId).FirstOrDefaultAsync(cancellationToken);
        var rows = await db.Channels.AsNoTracking().Where(c => c.PersonId == me || (teamId != null && c.TeamId == teamId)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
        return await ViewsAsync(db, rows, cancellationToken);
    }

    /// <summary>Adds a channel for the caller, or with <see cref="ChannelRequest.Team"/> for a team (its managers and admins only).</summary>
    public async Task<ChannelView> AddChannelAsync(ClaimsPrincipal user, ChannelRequest request, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        var target = request.Target?.Trim() ?? "";
        if (string.IsNullOrEmpty(name) || name.Length > 120)
        {
            errors["name"] = ["Give the channel a name of at most 120 characters."];
        }
        if (WhyNotTarget(request.Kind, target) is { } why)
        {
            errors["target"] = [why];
        }
        else if (request.Kind != ChannelKind.Email && await OutboundGuard.WhyNotAsync(outbound, new Uri(target), cancellationToken) is { } inward)
        {
            errors["target"] = [inward];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(request.Team))
        {
            var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == request.Team.Trim().ToLower(), cancellationToken)
                ?? throw new ValidationException("team", $"There is no team \"{request.Team}\".");
            await audit.RequireAsync(Permissions.MayManageTeam(await db.OrgAsync(cancellationToken), user.AsActor(), team.Id), user, $"channels of team {team.Slug}",
                "Only the team's managers, the managers above them and admins add its channels.", cancellationToken);
            teamId = team.Id;
        }
        var owned = teamId is { } t ? db.Channels.Where(c => c.TeamId == t) : db.Channels.Where(c => c.PersonId == me);
        if (await owned.CountAsync(cancellationToken) >= MaxChannelsPerOwner)
        {
            throw new ValidationException("target", $"At most {MaxChannelsPerOwner} channels each; remove one first.");
        }
        // A generic webhook is signed; its secret is shown in this answer only, and kept encrypted.
        var secret = request.Kind == ChannelKind.Webhook ? WebhookSignature.NewSecret() : null;
        var channel = new NotificationChannel
        {
            PersonId = teamId is null ? me : null, TeamId = teamId, Kind = request.Kind, Name = name!, Target = target, CreatedAt = clock.GetUtcNow(),
            Secret = secret is null ? null : protection.CreateProtector(ChannelSender.SecretPurpose).Protect(secret),
        };
        db.Channels.Add(channel);
        db.AuditEntries.Add(new AuditEntry
        {
            At = channel.CreatedAt, Actor = user.AuditName(), ActorId = me, Action = "notifications.channel-added", Target = name!,
            Detail = $"{request.Kind} {Hint(request.Kind, target)}" + (teamId is null ? "" : $" for team {request.Team}"),
        });
        await db.SaveChangesAsync(cancellationToken);
        return (await ViewsAsync(db, [channel], cancellationToken))[0] with { Secret = secret };
    }

    public async Task DeleteChannelAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no channel #{id}.");
        // A person's channel is theirs (an admin may clean up); a team's channel is its managers'.
        var allowed = channel.TeamId is { } team
            ? Permissions.MayManageTeam(await db.OrgAsync(cancellationToken), user.AsActor(), team)
            : channel.PersonId == me || user.HasPortalRole(PortalRole.Admin);
        await audit.RequireAsync(allowed, user, $"channel {id}", "Only the channel's owner, or for a team channel its managers, can remove it.", cancellationToken);
        db.Channels.Remove(channel);
        db.Audit(user, clock.GetUtcNow(), "notifications.channel-removed", channel.Name);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The deliveries of an incident's notifications to outbound channels, newest first.</summary>
    public async Task<List<DeliveryView>> DeliveriesAsync(long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Deliveries.AsNoTracking().Where(d => d.IncidentNumber == incident).OrderByDescending(d => d.Id).Take(200)
            .Join(db.Channels, d => d.ChannelId, c => c.Id, (d, c) => new DeliveryView(d.Id, c.Name, c.Kind, d.Title, d.State, d.Attempts, d.LastError, d.CreatedAt, d.DeliveredAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Why a channel target cannot be used, or null: webhooks need an absolute http(s) URL, email a valid address.</summary>
    public static string? WhyNotTarget(ChannelKind kind, string target)
    {
        if (target.Length is 0 or > 2000)
        {
            return kind == ChannelKind.Email ? "Give the email address." : "Give the webhook URL (at most 2000 characters).";
        }
        if (kind == ChannelKind.Email)
        {
            return MailAddress.TryCreate(target, out var address) && address.Address == target ? null : $"\"{target}\" is not an email address.";
        }
        return Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? null
            : $"\"{target}\" is not an http or https URL.";
    }

    /// <summary>What is shown of a target: webhook URLs carry their secret in the path, so only the host.</summary>
    public static string Hint(ChannelKind kind, string target) =>
        kind == ChannelKind.Email ? target : Uri.TryCreate(target, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "…";

    private static async Task<List<ChannelView>> ViewsAsync(PortalDbContext db, List<NotificationChannel> rows, CancellationToken cancellationToken)
    {
        var teamIds = rows.Where(r => r.TeamId != null).Select(r => r.TeamId!.Value).Distinct().ToList();
        var personIds = rows.Where(r => r.PersonId != null).Select(r => r.PersonId!.Value).Distinct().ToList();
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var people = await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Handle, cancellationToken);
        return [.. rows.Select(c => new ChannelView(c.Id, c.Kind, c.Name, Hint(c.Kind, c.Target), c.TeamId is { } t ? teams.GetValueOrDefault(t) : null,
            c.PersonId is { } p ? people.GetValueOrDefault(p) : null, c.Enabled))];
    }

    private static int Me(ClaimsPrincipal user) => user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal have notifications.");

    private static string? Cap(string? text, int max) => text is null ? null : text.Length <= max ? text : text[..(max - 1)] + "…";
}

/// <summary>Wakes the delivery dispatcher on this node as soon as a change with deliveries commits.</summary>
public sealed class DeliverySignal : Background.ProcessorSignal;
