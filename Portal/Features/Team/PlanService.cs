using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using MaxLengthAttribute = System.ComponentModel.DataAnnotations.MaxLengthAttribute;
using Portal.Features.Directory;

namespace Portal.Features.Team;

public sealed record PlanUpdateView(DateTimeOffset At, string Author, string Text, int Progress);

public sealed record EvidenceView(EvidenceKind Kind, string Reference, string Title, string? Note, string Link, DateTimeOffset AddedAt);

public sealed record GoalView(int Id, Competency Competency, string Title, string? Description, DateOnly? TargetDate, int Progress,
    IReadOnlyList<PlanMilestone> Milestones, IReadOnlyList<EvidenceView> Evidence, IReadOnlyList<PlanUpdateView> Updates);

public sealed record PlanView(int Id, string Person, string Title, bool Closed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<GoalView> Goals);

public sealed record PlanInput(string? Title);

public sealed record GoalInput(Competency Competency, string? Title, [property: MultiLine] string? Description, DateOnly? TargetDate, IReadOnlyList<string>? Milestones);

public sealed record UpdateInput([property: MultiLine] string? Text, int Progress);

public sealed record EvidenceInput(EvidenceKind Kind, [property: MaxLength(2000)] string? Reference, [property: MultiLine] string? Note);

/// <summary>Development plans: goals tied to competencies, milestones, progress updates and evidence from the portal's own records.</summary>
public sealed class PlanService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<PlanView>> ListAsync(ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, CoachingAccess.CanReadCoaching(subject.Relation), "development plans", clock.GetUtcNow(), true, cancellationToken);
        var ids = await db.Plans.AsNoTracking().Where(p => p.PersonId == subject.Id).OrderBy(p => p.Closed).ThenByDescending(p => p.CreatedAt).Select(p => p.Id).ToListAsync(cancellationToken);
        var plans = new List<PlanView>();
        foreach (var id in ids)
        {
            plans.Add(await ViewAsync(db, id, cancellationToken));
        }
        return plans;
    }

    public async Task<PlanView> CreateAsync(ClaimsPrincipal viewer, string handle, PlanInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, CoachingAccess.CanReadCoaching(subject.Relation), "development plans", now, false, cancellationToken);
        var title = Required(input.Title, "title", 200);
        var plan = new DevelopmentPlan { PersonId = subject.Id, Title = title, CreatedById = viewer.GetPersonId()!.Value, CreatedAt = now, UpdatedAt = now };
        db.Plans.Add(plan);
        db.Audit(viewer, now, "plan.created", $"plan of {subject.Handle}", title);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    public async Task<PlanView> AddGoalAsync(ClaimsPrincipal viewer, int planId, GoalInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanForAsync(db, viewer, planId, cancellationToken);
        var problems = new Dictionary<string, string[]>();
        if (!Enum.IsDefined(input.Competency))
        {
            problems["competency"] = ["Choose one of the competencies."];
        }
        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Trim().Length > 200)
        {
            problems["title"] = ["A goal needs a title of up to 200 characters."];
        }
        var milestones = (input.Milestones ?? []).Select(m => m.Trim()).Where(m => m.Length > 0).ToList();
        if (milestones.Count > 20 || milestones.Any(m => m.Length > 200))
        {
            problems["milestones"] = ["Up to 20 milestones, each up to 200 characters."];
        }
        if (problems.Count > 0)
        {
            throw new ValidationException(problems);
        }
        var now = clock.GetUtcNow();
        db.PlanGoals.Add(new PlanGoal
        {
            PlanId = plan.Id, Competency = input.Competency, Title = input.Title!.Trim(), Description = Optional(input.Description, "description", CoachingLimits.Line),
            TargetDate = input.TargetDate, Milestones = [.. milestones.Select(m => new PlanMilestone { Title = m })], CreatedAt = now,
        });
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    public async Task<PlanView> AddUpdateAsync(ClaimsPrincipal viewer, int goalId, UpdateInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (goal, plan) = await GoalForAsync(db, viewer, goalId, cancellationToken);
        var text = Required(input.Text, "text", CoachingLimits.Line);
        if (input.Progress is < 0 or > 100)
        {
            throw new ValidationException("progress", "Progress is a percentage from 0 to 100.");
        }
        var now = clock.GetUtcNow();
        db.PlanUpdates.Add(new PlanUpdate { GoalId = goal.Id, AuthorId = viewer.GetPersonId()!.Value, At = now, Text = text, Progress = input.Progress });
        goal.Progress = input.Progress;
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    public async Task<PlanView> SetMilestoneAsync(ClaimsPrincipal viewer, int goalId, int index, bool done, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (goal, plan) = await GoalForAsync(db, viewer, goalId, cancellationToken);
        if (index < 0 || index >= goal.Milestones.Count)
        {
            throw new ValidationException("index", $"This goal has {goal.Milestones.Count} milestones; there is no number {index + 1}.");
        }
        goal.Milestones[index].DoneAt = done ? goal.Milestones[index].DoneAt ?? clock.GetUtcNow() : null;
        plan.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    /// <summary>Links a goal to an incident (INC-…), an RCA (its number), a runbook (its slug) or an https page; portal records must exist.</summary>
    public async Task<PlanView> AddEvidenceAsync(ClaimsPrincipal viewer, int goalId, EvidenceInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (goal, plan) = await GoalForAsync(db, viewer, goalId, cancellationToken);
        var reference = input.Reference?.Trim() ?? "";
        string? title = input.Kind switch
        {
            EvidenceKind.Incident when IncidentNumber.TryParse(reference, out var number) =>
                await db.Incidents.Where(i => i.Number == number).Select(i => i.Title).FirstOrDefaultAsync(cancellationToken) is { } t ? $"{IncidentNumber.Format(number)}: {t}" : null,
            EvidenceKind.Rca when int.TryParse(reference.TrimStart('#').Replace("RCA-", "", StringComparison.OrdinalIgnoreCase), out var id) =>
                await db.Rcas.Where(r => r.Id == id).Select(r => r.Title).FirstOrDefaultAsync(cancellationToken) is { } t ? $"RCA {id}: {t}" : null,
            EvidenceKind.Runbook => await db.Runbooks.Where(r => r.Slug == reference.ToLower()).Select(r => r.Title).FirstOrDefaultAsync(cancellationToken),
            EvidenceKind.Link when Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps => uri.Host + uri.AbsolutePath,
            _ => null,
        };
        if (title is null)
        {
            throw new ValidationException("reference", input.Kind switch
            {
                EvidenceKind.Incident => $"There is no incident '{reference}' (write it as INC-123).",
                EvidenceKind.Rca => $"There is no RCA '{reference}' (write its number).",
                EvidenceKind.Runbook => $"There is no runbook with the slug '{reference}'.",
                _ => "A link is an https:// address.",
            });
        }
        if (input.Kind is EvidenceKind.Incident && IncidentNumber.TryParse(reference, out var n))
        {
            reference = IncidentNumber.Format(n);
        }
        else if (input.Kind is EvidenceKind.Rca)
        {
            reference = new string([.. reference.Where(char.IsAsciiDigit)]);
        }
        else if (input.Kind is EvidenceKind.Runbook)
        {
            reference = reference.ToLowerInvariant();
        }
        if (goal.Evidence.Count >= 50)
        {
            throw new ValidationException("reference", "A goal holds up to 50 pieces of evidence.");
        }
        var now = clock.GetUtcNow();
        goal.Evidence.Add(new PlanEvidence
        {
            Kind = input.Kind, Reference = reference, Title = title.Length > 200 ? title[..200] : title, Note = Optional(input.Note, "note", 500),
            AddedById = viewer.GetPersonId()!.Value, AddedAt = now,
        });
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    public async Task<PlanView> SetClosedAsync(ClaimsPrincipal viewer, int planId, bool closed, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var plan = await PlanForAsync(db, viewer, planId, cancellationToken);
        plan.Closed = closed;
        plan.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, plan.Id, cancellationToken);
    }

    public static string LinkOf(EvidenceKind kind, string reference) => kind switch
    {
        EvidenceKind.Incident => $"/incidents/{reference}",
        EvidenceKind.Rca => $"/rca/{reference}",
        EvidenceKind.Runbook => $"/runbooks/{reference}",
        _ => reference,
    };

    private async Task<DevelopmentPlan> PlanForAsync(PortalDbContext db, ClaimsPrincipal viewer, int planId, CancellationToken cancellationToken)
    {
        var plan = await db.Plans.FirstOrDefaultAsync(p => p.Id == planId, cancellationToken);
        if (plan is null || !CoachingAccess.CanReadCoaching((await ReportingLines.SubjectAsync(db, viewer, plan.PersonId, cancellationToken)).Relation))
        {
            throw await ReportingLines.DeniedAsync(db, viewer, $"development plan {planId}", clock.GetUtcNow(), cancellationToken);
        }
        return plan;
    }

    private async Task<(PlanGoal Goal, DevelopmentPlan Plan)> GoalForAsync(PortalDbContext db, ClaimsPrincipal viewer, int goalId, CancellationToken cancellationToken)
    {
        var planId = await db.PlanGoals.Where(g => g.Id == goalId).Select(g => (int?)g.PlanId).FirstOrDefaultAsync(cancellationToken)
            ?? throw await ReportingLines.DeniedAsync(db, viewer, $"plan goal {goalId}", clock.GetUtcNow(), cancellationToken);
        var plan = await PlanForAsync(db, viewer, planId, cancellationToken);
        return (await db.PlanGoals.FirstAsync(g => g.Id == goalId, cancellationToken), plan);
    }

    private static async Task<PlanView> ViewAsync(PortalDbContext db, int planId, CancellationToken cancellationToken)
    {
        var plan = await db.Plans.AsNoTracking().FirstAsync(p => p.Id == planId, cancellationToken);
        var handle = await db.People.Where(p => p.Id == plan.PersonId).Select(p => p.Handle).FirstAsync(cancellationToken);
        var goals = await db.PlanGoals.AsNoTracking().Where(g => g.PlanId == planId).OrderBy(g => g.Id).ToListAsync(cancellationToken);
        var goalIds = goals.Select(g => g.Id).ToList();
        var updates = await db.PlanUpdates.AsNoTracking().Where(u => goalIds.Contains(u.GoalId))
            .Join(db.People, u => u.AuthorId, p => p.Id, (u, p) => new { u.GoalId, u.At, p.Name, u.Text, u.Progress })
            .ToListAsync(cancellationToken);
        return new PlanView(plan.Id, handle, plan.Title, plan.Closed, plan.CreatedAt, plan.UpdatedAt, [.. goals.Select(g => new GoalView(
            g.Id, g.Competency, g.Title, g.Description, g.TargetDate, g.Progress, g.Milestones,
            [.. g.Evidence.Select(e => new EvidenceView(e.Kind, e.Reference, e.Title, e.Note, LinkOf(e.Kind, e.Reference), e.AddedAt))],
            [.. updates.Where(u => u.GoalId == g.Id).OrderByDescending(u => u.At).Select(u => new PlanUpdateView(u.At, u.Name, u.Text, u.Progress))]))]);
    }

    internal static string Required(string? text, string field, int max)
    {
        var value = text?.Trim();
        return string.IsNullOrEmpty(value) || value.Length > max
            ? throw new ValidationException(field, $"Write {field} in 1 to {max} characters.")
            : value;
    }

    internal static string? Optional(string? text, string field, int max)
    {
        var value = text?.Trim();
        return value?.Length > max ? throw new ValidationException(field, $"{field} is at most {max} characters.") : string.IsNullOrEmpty(value) ? null : value;
    }
}
