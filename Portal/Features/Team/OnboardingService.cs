using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

public sealed record OnboardingTaskView(int Id, OnboardingCategory Category, string Title, DateOnly DueDate, DateTimeOffset? DoneAt, string? DoneBy, bool Overdue);

public sealed record OnboardingView(string Person, string PersonName, int Done, int Total, IReadOnlyList<OnboardingTaskView> Tasks);

public sealed record OnboardingTemplateView(int Id, string Name, PortalRole Role, IReadOnlyList<OnboardingStep> Steps);

public sealed record OnboardingStart(int TemplateId, DateOnly? StartDate);

public sealed record TemplateInput(string? Name, PortalRole Role, IReadOnlyList<OnboardingStep>? Steps);

/// <summary>Onboarding checklists: templates per role (access, shadow shifts, runbook reading, first on-call) and each new starter's progress.</summary>
public sealed class OnboardingService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public async Task<IReadOnlyList<OnboardingTemplateView>> TemplatesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return [.. (await db.OnboardingTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken)).Select(t => new OnboardingTemplateView(t.Id, t.Name, t.Role, t.Steps))];
    }

    /// <summary>Adds a checklist template for new starters of a role (managers and admins).</summary>
    public async Task<OnboardingTemplateView> CreateTemplateAsync(ClaimsPrincipal viewer, TemplateInput input, CancellationToken cancellationToken = default)
    {
        if (!viewer.HasPortalRole(PortalRole.Manager))
        {
            throw await audit.DenyAsync(viewer, "onboarding templates", "Managers and admins write onboarding templates.", cancellationToken);
        }
        var name = PlanService.Required(input.Name, "name", 120);
        var steps = input.Steps ?? [];
        var problems = new List<string>();
        if (steps.Count is 0 or > 60)
        {
            problems.Add("A template has 1 to 60 steps.");
        }
        problems.AddRange(steps.Select((s, i) => (s, i)).Where(x => string.IsNullOrWhiteSpace(x.s.Title) || x.s.Title.Length > 200)
            .Select(x => $"Step {x.i + 1} needs a title of up to 200 characters."));
        problems.AddRange(steps.Select((s, i) => (s, i)).Where(x => x.s.DueAfterDays is < 0 or > 365 || !Enum.IsDefined(x.s.Category))
            .Select(x => $"Step {x.i + 1}: due 0 to 365 days after the start, in one of the categories."));
        if (problems.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["steps"] = [.. problems] });
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await db.OnboardingTemplates.AnyAsync(t => t.Name == name, cancellationToken))
        {
            throw new ConflictException($"There is already a template called \"{name}\".");
        }
        var template = new OnboardingTemplate
        {
            Name = name, Role = input.Role, Steps = [.. steps.Select(s => new OnboardingStep { Category = s.Category, Title = s.Title.Trim(), DueAfterDays = s.DueAfterDays })],
        };
        db.OnboardingTemplates.Add(template);
        db.Audit(viewer, clock.GetUtcNow(), "onboarding.template-created", name, $"{steps.Count} steps for {input.Role}");
        await db.SaveChangesAsync(cancellationToken);
        return new OnboardingTemplateView(template.Id, template.Name, template.Role, template.Steps);
    }

    /// <summary>The person's checklist: for them and their chain (404, audited, to others). Empty when they have none.</summary>
    public async Task<OnboardingView> GetAsync(ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, CoachingAccess.CanReadCoaching(subject.Relation), "onboarding", clock.GetUtcNow(), false, cancellationToken);
        return await ViewAsync(db, subject, cancellationToken);
    }

    /// <summary>A manager starts a new starter's onboarding from a template; due dates count from the start date.</summary>
    public async Task<OnboardingView> StartAsync(ClaimsPrincipal viewer, string handle, OnboardingStart input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
        await ReportingLines.RequireAsync(db, viewer, subject, subject.Relation == Relation.Manager, "onboarding", now, false, cancellationToken);
        var template = await db.OnboardingTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == input.TemplateId, cancellationToken)
            ?? throw new ValidationException("templateId", $"There is no onboarding template {input.TemplateId}.");
        if (await db.OnboardingTasks.AnyAsync(t => t.PersonId == subject.Id, cancellationToken))
        {
            throw new ConflictException($"{subject.Name} already has an onboarding checklist.");
        }
        var start = input.StartDate ?? DateOnly.FromDateTime(now.UtcDateTime);
        db.OnboardingTasks.AddRange(template.Steps.Select((s, i) => new OnboardingTask
        {
            PersonId = subject.Id, TemplateId = template.Id, Order = i, Category = s.Category, Title = s.Title, DueDate = start.AddDays(s.DueAfterDays),
        }));
        db.Audit(viewer, now, "onboarding.started", $"onboarding of {subject.Handle}", template.Name);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, subject, cancellationToken);
    }

    /// <summary>Ticks (or unticks) a step: the new starter or their managers.</summary>
    public async Task<OnboardingView> SetDoneAsync(ClaimsPrincipal viewer, int taskId, bool done, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var task = await db.OnboardingTasks.FirstOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        var subject = task is null ? null : await ReportingLines.SubjectAsync(db, viewer, task.PersonId, cancellationToken);
        if (task is null || subject is null || !CoachingAccess.CanReadCoaching(subject.Relation))
        {
            throw await ReportingLines.DeniedAsync(db, viewer, $"onboarding step {taskId}", clock.GetUtcNow(), cancellationToken);
        }
        (task.DoneAt, task.DoneById) = done ? (task.DoneAt ?? clock.GetUtcNow(), task.DoneById ?? viewer.GetPersonId()) : ((DateTimeOffset?)null, (int?)null);
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, subject, cancellationToken);
    }

    private async Task<OnboardingView> ViewAsync(PortalDbContext db, Subject subject, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var tasks = await db.OnboardingTasks.AsNoTracking().Where(t => t.PersonId == subject.Id).OrderBy(t => t.Order)
            .Select(t => new { t, DoneBy = db.People.Where(p => p.Id == t.DoneById).Select(p => p.Name).FirstOrDefault() })
            .ToListAsync(cancellationToken);
        return new OnboardingView(subject.Handle, subject.Name, tasks.Count(t => t.t.DoneAt is not null), tasks.Count,
            [.. tasks.Select(x => new OnboardingTaskView(x.t.Id, x.t.Category, x.t.Title, x.t.DueDate, x.t.DoneAt, x.DoneBy, x.t.DoneAt is null && x.t.DueDate < today))]);
    }
}
