using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Team;

namespace Portal.Features.Cases;

/// <summary>A review as its reviewer or its engineer sees it.</summary>
public sealed record QualityReviewView(long Id, long CaseNumber, string CaseKey, string Subject, string Engineer, string Reviewer, DateTimeOffset AssignedAt,
    DateTimeOffset? CompletedAt, IReadOnlyList<CategoryRating> Ratings, double? Score, string? Comment, DateTimeOffset? DisputedAt, string? Dispute);

/// <summary>The internal quality score of one engineer, team or region: the mean score of their completed reviews.</summary>
public sealed record QualityScore(string Key, int Reviews, double? Mean);

/// <summary>One case reviewed by two or more reviewers, and how far apart they were.</summary>
public sealed record CalibrationRow(long CaseNumber, string CaseKey, IReadOnlyList<(string Reviewer, double Score)> Scores, double Spread);

/// <summary>The <c>Cases:Quality</c> section.</summary>
public sealed class QualityOptions
{
    /// <summary>The share of each engineer's solved cases of a week that is reviewed (at least one).</summary>
    public double SampleRate { get; set; } = 0.05;

    /// <summary>The share of sampled cases a second reviewer also scores, for calibration.</summary>
    public double CalibrationRate { get; set; } = 0.1;
}

/// <summary>
/// Quality reviews of customer interactions: a weekly random sample of each engineer's solved cases lands in
/// reviewers' queues (their manager first; never themselves), reviewers score it on the weighted scorecard (a missed
/// critical category scores 0), engineers read their reviews and may dispute one, and the scores roll up per engineer,
/// team and region. A share of the sample gets a second reviewer, for calibration.
/// </summary>
public sealed class QualityService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit, QualityOptions options)
{
    /// <summary>Draws the sample of the week starting <paramref name="weekStart"/> (UTC Monday), once; returns how many reviews it assigned.</summary>
    public async Task<int> DrawSampleAsync(DateOnly weekStart, int seed, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.QualitySamples.AnyAsync(s => s.WeekStart == weekStart, cancellationToken))
        {
            return 0;
        }
        var from = new DateTimeOffset(weekStart.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = from.AddDays(7);
        var solved = await db.Cases.AsNoTracking()
            .Where(c => c.SolvedAt >= from && c.SolvedAt < to && c.AssigneeId != null && c.MergedIntoNumber == null)
            .Select(c => new { c.Number, EngineerId = c.AssigneeId!.Value })
            .ToListAsync(cancellationToken);
        var people = await db.People.AsNoTracking().Where(p => p.Active).Select(p => new { p.Id, p.ManagerId, p.Role, p.TeamId }).ToListAsync(cancellationToken);
        var reviewers = people.Where(p => p.Role >= PortalRole.Manager).ToList();
        var scorecard = await db.QualityScorecards.AsNoTracking().Where(s => s.Active).OrderBy(s => s.Id).Select(s => s.Id).FirstAsync(cancellationToken);
        var random = new Random(seed);
        var now = clock.GetUtcNow();
        var reviews = new List<QualityReview>();
        foreach (var engineer in solved.GroupBy(c => c.EngineerId))
        {
            var person = people.FirstOrDefault(p => p.Id == engineer.Key);
            var others = reviewers.Where(r => r.Id != engineer.Key).ToList();
            if (person is null || others.Count == 0)
            {
                continue;
            }
            var cases = engineer.Select(c => c.Number).OrderBy(_ => random.Next()).Take(QualityRules.SampleSize(engineer.Count(), options.SampleRate));
            foreach (var number in cases)
            {
                // Their own manager reviews, when they have one who is not themselves; else any other reviewer.
                var first = others.FirstOrDefault(r => r.Id == person.ManagerId) ?? others[random.Next(others.Count)];
                reviews.Add(new QualityReview { CaseNumber = number, ScorecardId = scorecard, EngineerId = engineer.Key, ReviewerId = first.Id, AssignedAt = now });
                var second = others.Where(r => r.Id != first.Id).ToList();
                if (second.Count > 0 && random.NextDouble() < options.CalibrationRate)
                {
                    reviews.Add(new QualityReview { CaseNumber = number, ScorecardId = scorecard, EngineerId = engineer.Key, ReviewerId = second[random.Next(second.Count)].Id, AssignedAt = now });
                }
            }
        }
        db.QualitySamples.Add(new QualitySample { WeekStart = weekStart, DrawnAt = now, Reviews = reviews.Count });
        db.QualityReviews.AddRange(reviews);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node drew this week's sample first.
            return 0;
        }
        return reviews.Count;
    }

    /// <summary>The reviews waiting for <paramref name="user"/>, oldest first.</summary>
    public async Task<IReadOnlyList<QualityReviewView>> QueueAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to review cases.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await Views(db, db.QualityReviews.Where(r => r.ReviewerId == me && r.CompletedAt == null).OrderBy(r => r.Id)).Take(50).ToListAsync(cancellationToken);
    }

    /// <summary>The completed reviews of <paramref name="user"/>'s own cases, newest first.</summary>
    public async Task<IReadOnlyList<QualityReviewView>> MineAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to read your reviews.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await Views(db, db.QualityReviews.Where(r => r.EngineerId == me && r.CompletedAt != null).OrderByDescending(r => r.CompletedAt)).Take(50).ToListAsync(cancellationToken);
    }

    /// <summary>The scorecard reviews are made on.</summary>
    public async Task<QualityScorecard> ScorecardAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.QualityScorecards.AsNoTracking().FirstAsync(s => s.Id == id, cancellationToken);
    }

    /// <summary>Completes a review: only its reviewer, never on their own case; every category rated.</summary>
    public async Task<QualityReviewView> SubmitAsync(ClaimsPrincipal user, long id, IReadOnlyList<CategoryRating>? ratings, string? comment, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to review cases.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var review = await db.QualityReviews.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no review {id}.");
        await audit.RequireAsync(review.ReviewerId == me && review.EngineerId != me, user, $"quality review {id}",
            review.EngineerId == me ? "Nobody reviews their own cases." : "Only the reviewer it was assigned to completes a review.", cancellationToken);
        if (review.CompletedAt is not null)
        {
            throw new ConflictException("This review was completed already.");
        }
        if (comment?.Length > QualityRules.MaxComment)
        {
            throw new ValidationException("comment", $"The comment is {comment.Length} characters; at most {QualityRules.MaxComment}.");
        }
        var scorecard = await db.QualityScorecards.AsNoTracking().FirstAsync(s => s.Id == review.ScorecardId, cancellationToken);
        var given = (ratings ?? []).Where(r => r is not null && Enum.IsDefined(r.Rating)).ToList();
        var score = QualityRules.Score(scorecard.Categories, given)
            ?? throw new ValidationException("ratings", $"Rate every category: {string.Join(", ", scorecard.Categories.Select(c => c.Name))}.");
        var now = clock.GetUtcNow();
        (review.Ratings, review.Score, review.Comment, review.CompletedAt) = (given.Where(r => scorecard.Categories.Any(c => c.Name == r.Category)).ToList(), score,
            string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), now);
        db.Audit(user, now, "quality.reviewed", CaseNumber.Format(review.CaseNumber), $"score {score}");
        await db.SaveChangesAsync(cancellationToken);
        return (await Views(db, db.QualityReviews.Where(r => r.Id == id)).FirstAsync(cancellationToken));
    }

    /// <summary>The engineer disputes a completed review of their case, once, saying why.</summary>
    public async Task DisputeAsync(ClaimsPrincipal user, long id, string? why, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to dispute a review.");
        if (string.IsNullOrWhiteSpace(why) || why.Length > QualityRules.MaxComment)
        {
            throw new ValidationException("dispute", $"Say why, in at most {QualityRules.MaxComment} characters.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var review = await db.QualityReviews.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no review {id}.");
        await audit.RequireAsync(review.EngineerId == me, user, $"quality review {id}", "Only the engineer whose case was reviewed disputes a review.", cancellationToken);
        if (review.CompletedAt is null || review.DisputedAt is not null)
        {
            throw new ConflictException(review.CompletedAt is null ? "This review is not completed yet." : "This review was disputed already.");
        }
        var now = clock.GetUtcNow();
        (review.DisputedAt, review.Dispute) = (now, why.Trim());
        db.Audit(user, now, "quality.disputed", CaseNumber.Format(review.CaseNumber));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The internal quality score per engineer, team or region over reviews completed in the period.</summary>
    public async Task<IReadOnlyList<QualityScore>> ScoresAsync(string by, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.QualityReviews.AsNoTracking().Where(r => r.CompletedAt >= from && r.CompletedAt < to && r.Score != null)
            .Join(db.People, r => r.EngineerId, p => p.Id, (r, p) => new { r.Score, p.Name, p.Region, Team = p.Team == null ? null : p.Team.Slug })
            .ToListAsync(cancellationToken);
        Func<string?, string> key = k => k ?? "none";
        return [.. rows.GroupBy(r => by switch { "team" => key(r.Team), "region" => r.Region.ToString(), _ => r.Name })
            .Select(g => new QualityScore(g.Key, g.Count(), Math.Round(g.Average(r => r.Score!.Value), 1)))
            .OrderByDescending(s => s.Reviews).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }

    /// <summary>Cases two or more reviewers scored in the period, widest spread first.</summary>
    public async Task<IReadOnlyList<CalibrationRow>> CalibrationAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.QualityReviews.AsNoTracking().Where(r => r.CompletedAt >= from && r.CompletedAt < to && r.Score != null)
            .Join(db.People, r => r.ReviewerId, p => p.Id, (r, p) => new { r.CaseNumber, r.Score, p.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => r.CaseNumber).Where(g => g.Count() > 1)
            .Select(g => new CalibrationRow(g.Key, CaseNumber.Format(g.Key), [.. g.Select(r => (r.Name, r.Score!.Value))], QualityRules.Spread(g.Select(r => r.Score!.Value))))
            .OrderByDescending(c => c.Spread).Take(50)];
    }

    private static IQueryable<QualityReviewView> Views(PortalDbContext db, IQueryable<QualityReview> reviews) =>
        reviews.Join(db.Cases, r => r.CaseNumber, c => c.Number, (r, c) => new { r, c.Subject })
            .Join(db.People, x => x.r.EngineerId, p => p.Id, (x, e) => new { x.r, x.Subject, Engineer = e.Name })
            .Join(db.People, x => x.r.ReviewerId, p => p.Id, (x, v) => new QualityReviewView(x.r.Id, x.r.CaseNumber, CaseNumber.Prefix + x.r.CaseNumber, x.Subject, x.Engineer, v.Name,
                x.r.AssignedAt, x.r.CompletedAt, x.r.Ratings, x.r.Score, x.r.Comment, x.r.DisputedAt, x.r.Dispute));
}

/// <summary>Draws last week's quality sample once a week (whichever node runs first; the others find it drawn).</summary>
public sealed class QualitySampler(IServiceScopeFactory scopes, QualitySignal signal, TimeProvider time, ILogger<QualitySampler> logger)
    : Background.PollingProcessor(signal, time, TimeSpan.FromHours(1), logger)
{
    private readonly TimeProvider _clock = time;

    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var lastWeek = today.AddDays(-((int)today.DayOfWeek + 6) % 7 - 7);
        await using var scope = scopes.CreateAsyncScope();
        var drawn = await scope.ServiceProvider.GetRequiredService<QualityService>().DrawSampleAsync(lastWeek, lastWeek.DayNumber, cancellationToken);
        if (drawn > 0)
        {
            logger.LogInformation("Drew the quality sample of the week of {Week}: {Count} review(s)", lastWeek, drawn);
        }
        return 0;
    }
}

/// <summary>Nothing wakes the quality sampler early.</summary>
public sealed class QualitySignal : Background.ProcessorSignal;
