using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>
/// Reviews: self-review, the peers asked for feedback and the manager's review with a rating per competency,
/// deadlines a manager can reopen, and sign-off, after which the person reads it (cycles: <see cref="ReviewCycleService"/>;
/// a peer's answers: <see cref="PeerFeedbackService"/>). The operational record of the
/// period sits beside it (frozen at sign-off).
/// </summary>
public sealed class ReviewService(IDbContextFactory<PortalDbContext> factory, OperationalRecordService records, NotificationService notifications, ILiveFeed feed,
    TimeProvider clock, AuditWriter audit)
{
    public static string Topic(int reviewId) => $"review:{reviewId}";

    /// <summary>The reviews of a person across cycles (states only): for them, their chain and admins; 404 (audited) to others.</summary>
    public async Task<IReadOnlyList<ReviewSummary>> HistoryAsync(ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, subject.Relation != Relation.None, "reviews", clock.GetUtcNow(), false, cancellationToken);
        return await SummariesAsync(db, db.Reviews.Where(r => r.PersonId == subject.Id), clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>One review, as the viewer may see it. Admins outside the chain, peers and other managers get 404 (audited).</summary>
    public async Task<ReviewView> GetAsync(ClaimsPrincipal viewer, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, true, $"review {id}", clock.GetUtcNow(), true, cancellationToken);
        return await ViewAsync(db, viewer, review, cycle, subject, cancellationToken);
    }

    /// <summary>Saves (and with Submit, hands in) the person's own self-review, before its deadline.</summary>
    public async Task<ReviewView> SaveSelfAsync(ClaimsPrincipal viewer, int id, ReviewPartInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken);
        var now = clock.GetUtcNow();
        if (subject.Relation != Relation.Self)
        {
            throw await audit.DenyAsync(viewer, $"review {id} (self)", "Only the person writes their self-review.", cancellationToken);
        }
        if (review.State != ReviewState.SelfReview)
        {
            throw new ConflictException("The self-review is already handed in.");
        }
        if (now > ReviewRules.SelfDue(review, cycle))
        {
            throw new ConflictException($"The self-review was due {ReviewRules.SelfDue(review, cycle):yyyy-MM-dd HH:mm} UTC. Ask your manager to reopen it.");
        }
        var ratings = CheckPart(input, ReviewRules.CompetenciesFor(subject.Role, subject.Level), review.Version);
        (review.SelfRatings, review.SelfText) = (ratings, input.Text?.Trim());
        if (input.Submit)
        {
            (review.State, review.SelfSubmittedAt) = (ReviewState.ManagerReview, now);
            db.Audit(viewer, now, "review.self-submitted", $"review {id}");
        }
        return await SaveAsync(db, viewer, review, cycle, subject, input.Submit ? $"{subject.Name} handed in the self-review for {cycle.Name}" : null, [review.ManagerId], cancellationToken);
    }

    /// <summary>
    /// Saves (and with Submit, completes) the manager's review: someone above the person. Completing needs the
    /// self-review handed in or its deadline passed, every competency rated, and the manager deadline not passed.
    /// </summary>
    public async Task<ReviewView> SaveManagerAsync(ClaimsPrincipal viewer, int id, ReviewPartInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken);
        var now = clock.GetUtcNow();
        if (subject.Relation != Relation.Manager)
        {
            throw await audit.DenyAsync(viewer, $"review {id} (manager)", "Only the person's managers write the manager review.", cancellationToken);
        }
        if (review.State is ReviewState.AwaitingSignOff or ReviewState.SignedOff)
        {
            throw new ConflictException(review.State == ReviewState.SignedOff ? "This review is signed off." : "The manager review is handed in and waits for sign-off.");
        }
        if (now > ReviewRules.ManagerDue(review, cycle))
        {
            throw new ConflictException($"The manager review was due {ReviewRules.ManagerDue(review, cycle):yyyy-MM-dd HH:mm} UTC. Ask your own manager (or an admin) to reopen it.");
        }
        var rated = ReviewRules.CompetenciesFor(subject.Role, subject.Level);
        var ratings = CheckPart(input, rated, review.Version, complete: input.Submit);
        if (input.Submit && review.State == ReviewState.SelfReview && now <= ReviewRules.SelfDue(review, cycle))
        {
            throw new ConflictException($"{subject.Name}'s self-review is due {ReviewRules.SelfDue(review, cycle):yyyy-MM-dd HH:mm} UTC; hand yours in after it.");
        }
        if (input.Submit && string.IsNullOrWhiteSpace(input.Text))
        {
            throw new ValidationException("text", "A manager review needs written feedback.");
        }
        (review.ManagerRatings, review.ManagerText) = (ratings, input.Text?.Trim());
        if (input.Submit)
        {
            (review.State, review.ManagerSubmittedAt) = (ReviewState.AwaitingSignOff, now);
            db.Audit(viewer, now, "review.manager-submitted", $"review {id}");
        }
        return await SaveAsync(db, viewer, review, cycle, subject, null, [], cancellationToken);
    }

    /// <summary>Signs off a handed-in manager review (someone above the person); the person can read it from now on.</summary>
    public async Task<ReviewView> SignOffAsync(ClaimsPrincipal viewer, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken);
        if (subject.Relation != Relation.Manager)
        {
            throw await audit.DenyAsync(viewer, $"review {id} (sign-off)", "Only the person's managers sign off a review.", cancellationToken);
        }
        if (review.State != ReviewState.AwaitingSignOff)
        {
            throw new ConflictException(review.State == ReviewState.SignedOff ? "This review is already signed off." : "Hand in the manager review before signing off.");
        }
        var now = clock.GetUtcNow();
        var record = await records.ComputeAsync(subject.Handle, PeriodStart(cycle), PeriodEnd(cycle, now), cancellationToken);
        (review.State, review.SignedOffAt, review.SignedOffById, review.RecordSnapshot) = (ReviewState.SignedOff, now, viewer.GetPersonId(), JsonSerializer.Serialize(record));
        db.Audit(viewer, now, "review.signed-off", $"review {id}", $"{subject.Handle}, {cycle.Name}");
        return await SaveAsync(db, viewer, review, cycle, subject, $"Your review for {cycle.Name} is signed off: you can read it now", [subject.Id], cancellationToken);
    }

    /// <summary>
    /// Gives a late step a new deadline. The self-review: any manager of the person (it goes back to a draft the person
    /// can change). The manager review: someone above that manager, or an admin.
    /// </summary>
    public async Task<ReviewView> ReopenAsync(ClaimsPrincipal viewer, int id, ReopenInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken, allowAdmin: true);
        var now = clock.GetUtcNow();
        if (input.Until <= now || input.Until > now.AddDays(60))
        {
            throw new ValidationException("until", "The new deadline is in the next 60 days.");
        }
        if (review.State == ReviewState.SignedOff)
        {
            throw new ConflictException("A signed-off review cannot be reopened.");
        }
        var part = input.Part?.Trim().ToLowerInvariant();
        if (part == "self")
        {
            if (subject.Relation != Relation.Manager)
            {
                throw await audit.DenyAsync(viewer, $"review {id} (reopen)", "Only the person's managers reopen a self-review.", cancellationToken);
            }
            if (review.State == ReviewState.AwaitingSignOff)
            {
                throw new ConflictException("The manager review is handed in; reopen that first.");
            }
            (review.SelfDueOverride, review.State, review.SelfSubmittedAt) = (input.Until, ReviewState.SelfReview, null);
        }
        else if (part == "manager")
        {
            var managerOf = await ReportingLines.ManagerMapAsync(db, cancellationToken);
            if (!viewer.HasPortalRole(Shared.Team.PortalRole.Admin) && !ManagerChain.IsAbove(viewer.GetPersonId()!.Value, review.ManagerId, managerOf))
            {
                throw await audit.DenyAsync(viewer, $"review {id} (reopen)", "The manager review is reopened by the reviewing manager's own manager, or an admin.", cancellationToken);
            }
            review.ManagerDueOverride = input.Until;
            if (review.State == ReviewState.AwaitingSignOff)
            {
                (review.State, review.ManagerSubmittedAt) = (ReviewState.ManagerReview, null);
            }
        }
        else
        {
            throw new ValidationException("part", "Reopen \"self\" or \"manager\".");
        }
        db.Audit(viewer, now, "review.reopened", $"review {id}", $"{part} until {input.Until:yyyy-MM-dd HH:mm} UTC");
        var who = part == "self" ? subject.Id : review.ManagerId;
        return await SaveAsync(db, viewer, review, cycle, subject, $"Your {(part == "self" ? "self-review" : "manager review")} for {subject.Name} ({cycle.Name}) is reopened until {input.Until:yyyy-MM-dd HH:mm} UTC",
            [who], cancellationToken);
    }

    /// <summary>Asks a peer for feedback on the review (the person or their managers ask; before the peer deadline).</summary>
    public async Task<ReviewView> RequestPeerAsync(ClaimsPrincipal viewer, int id, PeerRequestInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (review, cycle, subject) = await ReviewForAsync(db, viewer, id, cancellationToken);
        var now = clock.GetUtcNow();
        if (now > cycle.PeerFeedbackDue || review.State is ReviewState.AwaitingSignOff or ReviewState.SignedOff)
        {
            throw new ConflictException("Peer feedback for this review is closed.");
        }
        await audit.RequireAsync(Permissions.MayChoosePeers(await db.OrgAsync(cancellationToken), viewer.AsActor(), review.PersonId), viewer, $"review {id} (peers)",
            "Peers are chosen by the managers above the person reviewed, or an admin.", cancellationToken);
        var handle = input.Peer?.Trim().ToLowerInvariant();
        var peer = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == handle && p.Active, cancellationToken)
            ?? throw new ValidationException("peer", $"There is no one with the handle '{input.Peer}'.");
        if (peer.Id == review.PersonId || peer.Id == review.ManagerId)
        {
            throw new ValidationException("peer", "Ask a peer: not the person reviewed nor their reviewing manager.");
        }
        if (await db.PeerFeedback.AnyAsync(f => f.ReviewId == id && f.PeerId == peer.Id, cancellationToken))
        {
            throw new ConflictException($"{peer.Name} has been asked already.");
        }
        db.PeerFeedback.Add(new PeerFeedback { ReviewId = id, PeerId = peer.Id, RequestedById = viewer.GetPersonId()!.Value, RequestedAt = now });
        review.Version++;
        db.Audit(viewer, now, "review.peer-requested", $"review {id}", peer.Handle);
        var notices = await NotificationService.StageAsync(db, [peer.Id], [],
            new NoticeDraft(NotificationKind.Review, $"Feedback asked for {subject.Name} ({cycle.Name}), due {cycle.PeerFeedbackDue:yyyy-MM-dd HH:mm} UTC", null, "/team/reviews"),
            now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
        await feed.PublishAsync(new LiveNotice(Topic(id), "changed", "peer"), cancellationToken);
        return await ViewAsync(db, viewer, review, cycle, subject, cancellationToken);
    }

    /// <summary>Reviews that need the viewer: their own self-review, reviews they write or sign off.</summary>
    public async Task<IReadOnlyList<ReviewSummary>> ToDoAsync(ClaimsPrincipal viewer, CancellationToken cancellationToken = default)
    {
        var me = viewer.GetPersonId() ?? throw new AccessDeniedException("Sign in to see your reviews.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await SummariesAsync(db, db.Reviews.Where(r => r.State != ReviewState.SignedOff
            && ((r.PersonId == me && r.State == ReviewState.SelfReview) || r.ManagerId == me)), clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>States and deadlines of reviews (no content): newest cycle first, then by name.</summary>
    internal static async Task<List<ReviewSummary>> SummariesAsync(PortalDbContext db, IQueryable<Review> reviews, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await reviews.AsNoTracking()
            .Join(db.ReviewCycles, r => r.CycleId, c => c.Id, (r, c) => new { r, c })
            .Join(db.People, x => x.r.PersonId, p => p.Id, (x, p) => new { x.r, x.c, p.Handle, p.Name })
            .Join(db.People, x => x.r.ManagerId, m => m.Id, (x, m) => new { x.r, x.c, x.Handle, x.Name, Manager = m.Handle, ManagerName = m.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(x => x.c.PeriodEnd).ThenByDescending(x => x.c.Id).ThenBy(x => x.Name).Select(x =>
        {
            var selfDue = ReviewRules.SelfDue(x.r, x.c);
            var managerDue = ReviewRules.ManagerDue(x.r, x.c);
            var late = (x.r.State == ReviewState.SelfReview && now > selfDue) || (x.r.State is ReviewState.SelfReview or ReviewState.ManagerReview && now > managerDue);
            return new ReviewSummary(x.r.Id, x.c.Id, x.c.Name, x.c.PeriodStart, x.c.PeriodEnd, x.Handle, x.Name, x.Manager, x.ManagerName, x.r.State, selfDue, managerDue, late, x.r.SignedOffAt);
        })];
    }

    internal static DateTimeOffset PeriodStart(ReviewCycle cycle) => new(cycle.PeriodStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    internal static DateTimeOffset PeriodEnd(ReviewCycle cycle, DateTimeOffset now)
    {
        var end = new DateTimeOffset(cycle.PeriodEnd.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return end > now && now > PeriodStart(cycle) ? now : end;
    }

    private static Dictionary<Competency, int> CheckPart(ReviewPartInput input, IReadOnlyList<Competency> rated, int version, bool complete = false)
    {
        var ratings = input.Ratings ?? [];
        var problems = ReviewRules.RatingProblems(ratings, rated, complete || input.Submit);
        if (problems.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["ratings"] = [.. problems] });
        }
        if (input.Text?.Length > ReviewRules.MaxText)
        {
            throw new ValidationException("text", $"Feedback is at most {ReviewRules.MaxText} characters.");
        }
        if (input.Version != version)
        {
            throw new ConflictException("Someone changed this review meanwhile. Copy your text, reload, and save again.");
        }
        return new Dictionary<Competency, int>(ratings);
    }

    private async Task<ReviewView> SaveAsync(PortalDbContext db, ClaimsPrincipal viewer, Review review, ReviewCycle cycle, Subject subject, string? notice, IReadOnlyCollection<int> notify, CancellationToken cancellationToken)
    {
        review.Version++;
        var notices = notice is null || notify.Count == 0
            ? []
            : await NotificationService.StageAsync(db, notify, [], new NoticeDraft(NotificationKind.Review, notice, null, $"/team/reviews/{review.Id}"), clock.GetUtcNow(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone changed this review meanwhile. Copy your text, reload, and save again.");
        }
        await notifications.PublishAsync(notices, cancellationToken);
        await feed.PublishAsync(new LiveNotice(Topic(review.Id), "changed", review.State.ToString()), cancellationToken);
        return await ViewAsync(db, viewer, review, cycle, subject, cancellationToken);
    }

    /// <summary>The review with its cycle and person; 404 (audited) unless the viewer is the person or above them (or, where allowed, an admin).</summary>
    private async Task<(Review Review, ReviewCycle Cycle, Subject Subject)> ReviewForAsync(PortalDbContext db, ClaimsPrincipal viewer, int id, CancellationToken cancellationToken,
        bool allowAdmin = false)
    {
        var review = await db.Reviews.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var subject = review is null ? null : await ReportingLines.SubjectAsync(db, viewer, review.PersonId, cancellationToken);
        if (review is null || subject is null || !(CoachingAccess.CanReadCoaching(subject.Relation) || (allowAdmin && subject.Relation == Relation.Admin)))
        {
            throw await ReportingLines.DeniedAsync(db, viewer, $"review {id}", clock.GetUtcNow(), cancellationToken);
        }
        return (review, await db.ReviewCycles.AsNoTracking().FirstAsync(c => c.Id == review.CycleId, cancellationToken), subject);
    }

    private async Task<ReviewView> ViewAsync(PortalDbContext db, ClaimsPrincipal viewer, Review review, ReviewCycle cycle, Subject subject, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var names = await db.People.AsNoTracking().Where(p => p.Id == review.ManagerId || p.Id == review.SignedOffById || db.PeerFeedback.Any(f => f.ReviewId == review.Id && f.PeerId == p.Id))
            .ToDictionaryAsync(p => p.Id, p => (p.Handle, p.Name), cancellationToken);
        var managerView = subject.Relation == Relation.Manager;
        var self = subject.Relation == Relation.Self || (managerView && review.SelfSubmittedAt is not null)
            ? new ReviewPart(review.SelfRatings, review.SelfText, review.SelfSubmittedAt) : null;
        var manager = managerView || review.State == ReviewState.SignedOff ? new ReviewPart(review.ManagerRatings, review.ManagerText, review.ManagerSubmittedAt) : null;
        var peers = managerView
            ? (await db.PeerFeedback.AsNoTracking().Where(f => f.ReviewId == review.Id).OrderBy(f => f.RequestedAt).ToListAsync(cancellationToken))
                .Select(f => new PeerFeedbackView(f.Id, names[f.PeerId].Handle, names[f.PeerId].Name, f.RequestedAt, f.SubmittedAt is null ? null : f.Text, f.SubmittedAt, f.Declined)).ToList()
            : null;
        var record = review.RecordSnapshot is { } snapshot
            ? JsonSerializer.Deserialize<OperationalRecord>(snapshot)!
            : await records.ComputeAsync(subject.Handle, PeriodStart(cycle), PeriodEnd(cycle, now), cancellationToken);
        var open = review.State is not ReviewState.SignedOff;
        var managerOf = await ReportingLines.ManagerMapAsync(db, cancellationToken);
        var can = new ReviewAbilities(
            WriteSelf: subject.Relation == Relation.Self && review.State == ReviewState.SelfReview && now <= ReviewRules.SelfDue(review, cycle),
            WriteManager: managerView && review.State is ReviewState.SelfReview or ReviewState.ManagerReview && now <= ReviewRules.ManagerDue(review, cycle),
            SignOff: managerView && review.State == ReviewState.AwaitingSignOff,
            ReopenSelf: managerView && review.State is ReviewState.SelfReview or ReviewState.ManagerReview,
            ReopenManager: open && review.State != ReviewState.SelfReview
                && (viewer.HasPortalRole(Shared.Team.PortalRole.Admin) || (viewer.GetPersonId() is { } me && ManagerChain.IsAbove(me, review.ManagerId, managerOf))),
            RequestPeers: managerView && open && review.State is ReviewState.SelfReview or ReviewState.ManagerReview && now <= cycle.PeerFeedbackDue);
        return new ReviewView(review.Id, cycle.Id, cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, subject.Handle, subject.Name, names[review.ManagerId].Handle, names[review.ManagerId].Name,
            review.State, ReviewRules.SelfDue(review, cycle), cycle.PeerFeedbackDue, ReviewRules.ManagerDue(review, cycle), ReviewRules.CompetenciesFor(subject.Role, subject.Level),
            self, manager, peers, review.SignedOffAt, review.SignedOffById is { } s ? names[s].Name : null, review.Version, can, record);
    }
}
