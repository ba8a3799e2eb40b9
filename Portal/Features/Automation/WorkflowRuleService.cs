using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

/// <summary>A workflow rule as the API and the page show and take it.</summary>
public sealed record WorkflowRuleView(int Id, string Name, RuleEvent Event, [property: MultiLine, System.ComponentModel.DataAnnotations.MaxLength(2000)] string Condition, IReadOnlyList<RuleStep> Steps,
    bool Enabled);

/// <summary>What a rule would have done on a past incident, in words.</summary>
public sealed record RuleTest(bool Holds, IReadOnlyList<string> WouldDo);

/// <summary>
/// Workflow rules: managers save them (the CEL condition and every step checked, each problem named by field), test
/// one against a past incident before switching it on, and list them.
/// </summary>
public sealed class WorkflowRuleService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<WorkflowRuleView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return [.. (await db.WorkflowRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken)).Select(View)];
    }

    public async Task<WorkflowRuleView> SaveAsync(ClaimsPrincipal user, WorkflowRuleView? rule, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, "workflow rules", "Only managers and admins change workflow rules.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await CheckAsync(db, rule, cancellationToken);
        var saved = rule!.Id == 0 ? null : await db.WorkflowRules.FirstOrDefaultAsync(r => r.Id == rule.Id, cancellationToken) ?? throw new NotFoundException($"No rule {rule.Id}.");
        if (saved is null)
        {
            saved = new WorkflowRule { Name = rule.Name, Condition = rule.Condition, CreatedAt = clock.GetUtcNow() };
            db.WorkflowRules.Add(saved);
        }
        saved.EnabledAt = rule.Enabled && !saved.Enabled ? clock.GetUtcNow() : rule.Enabled ? saved.EnabledAt : null;
        (saved.Name, saved.Event, saved.Condition, saved.Steps, saved.Enabled) = (rule.Name.Trim(), rule.Event, rule.Condition.Trim(), [.. rule.Steps], rule.Enabled);
        saved.Version++;
        db.Audit(user, clock.GetUtcNow(), "automation.rule.saved", $"workflow rule {saved.Name}", $"{(saved.Enabled ? "on" : "off")}: when {saved.Event} and {saved.Condition}: {saved.Steps.Count} step(s)");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"A rule named '{rule.Name}' exists, or someone changed this one meanwhile.");
        }
        return View(saved);
    }

    /// <summary>What the rule would have done on a past incident, as if it had just been created (nothing is changed).</summary>
    public async Task<RuleTest> TestAsync(WorkflowRuleView? rule, long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await CheckAsync(db, rule, cancellationToken);
        var facts = await FactsAsync(db, incident, rule!.Event == RuleEvent.IncidentCreated ? "created" : "changed", cancellationToken)
            ?? throw new ValidationException("incident", $"No incident {IncidentNumber.Format(incident)}.");
        return RuleConditions.Holds(rule.Condition, facts)
            ? new RuleTest(true, [.. rule.Steps.Select(Describe)])
            : new RuleTest(false, [$"Nothing: the condition does not hold for {IncidentNumber.Format(incident)} ({facts.Severity}, {facts.Service}, {facts.Region})."]);
    }

    internal static string Describe(RuleStep step) => step.Kind switch
    {
        RuleStepKind.SetSeverity => $"set the severity to {step.Value}",
        RuleStepKind.Assign => $"assign it to {step.Value}",
        RuleStepKind.Comment => $"write on the timeline: \"{step.Value}\"",
        RuleStepKind.Page => $"page {step.Value}",
        RuleStepKind.NotifyTeam => $"tell the channels of {step.Value}",
        RuleStepKind.AttachRunbook => $"attach the runbook {step.Value}",
        _ => $"run {step.Value}{(step.Inputs is { Count: > 0 } i ? " with " + string.Join(", ", i.Select(x => $"{x.Key}={x.Value}")) : "")} (through its guardrails)",
    };

    /// <summary>The facts a condition sees of an incident now; null when there is no such incident.</summary>
    internal static async Task<RuleFacts?> FactsAsync(PortalDbContext db, long number, string change, CancellationToken cancellationToken) =>
        await db.Incidents.AsNoTracking().Where(i => i.Number == number).Select(i => new RuleFacts(i.Number, i.Title, i.Severity.ToString(), i.Status.ToString(),
            i.Service == null ? "" : i.Service.Slug, i.Team == null ? "" : i.Team.Slug, i.Region.ToString(), i.Tags, i.Assignee == null ? "" : i.Assignee.Handle, change))
            .FirstOrDefaultAsync(cancellationToken);

    private static async Task CheckAsync(PortalDbContext db, WorkflowRuleView? rule, CancellationToken cancellationToken)
    {
        if (rule is null)
        {
            throw new ValidationException("rule", "Send the rule.");
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 120)
        {
            errors["name"] = ["Name the rule in at most 120 characters."];
        }
        if (!Enum.IsDefined(rule.Event))
        {
            errors["event"] = ["The event is IncidentCreated or IncidentChanged."];
        }
        if (RuleConditions.Problem(rule.Condition) is { } condition)
        {
            errors["condition"] = [condition];
        }
        if (rule.Steps is null || rule.Steps.Count == 0 || rule.Steps.Count > WorkflowRules.MaxSteps)
        {
            errors["steps"] = [$"Give 1 to {WorkflowRules.MaxSteps} steps."];
        }
        for (var i = 0; i < (rule.Steps?.Count ?? 0); i++)
        {
            if (await StepProblemAsync(db, rule.Steps![i], cancellationToken) is { } problem)
            {
                errors[$"steps[{i}]"] = [problem];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static async Task<string?> StepProblemAsync(PortalDbContext db, RuleStep? step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case null:
                return "A step is missing.";
            case { Kind: RuleStepKind.SetSeverity } when step.Value is null || !step.Value.StartsWith("SEV", StringComparison.Ordinal) || !Enum.TryParse<Severity>(step.Value, out _):
                return $"'{step.Value}' is not a severity (SEV1 to SEV5).";
            case { Kind: RuleStepKind.Assign or RuleStepKind.Page } when !await db.People.AnyAsync(p => p.Handle == step.Value && p.Active, cancellationToken):
                return $"'{step.Value}' is not an active person's handle.";
            case { Kind: RuleStepKind.NotifyTeam } when !await db.Teams.AnyAsync(t => t.Slug == step.Value, cancellationToken):
                return $"'{step.Value}' is not a team's slug.";
            case { Kind: RuleStepKind.AttachRunbook } when !await db.Runbooks.AnyAsync(r => r.Slug == step.Value, cancellationToken):
                return $"'{step.Value}' is not a runbook's slug.";
            case { Kind: RuleStepKind.Comment } when string.IsNullOrWhiteSpace(step.Value) || step.Value.Length > 2_000:
                return "A note of 1 to 2,000 characters.";
            case { Kind: RuleStepKind.RunAction }:
                var action = await db.AutomationActions.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == step.Value, cancellationToken);
                if (action is null)
                {
                    return $"No action '{step.Value}'.";
                }
                var definition = await RunService.DefinitionAsync(db, action.Id, action.PromotedVersion ?? action.LatestVersion, cancellationToken);
                var (_, errors) = ActionInputs.Validate(definition.Inputs, HealingService.AsJson(definition.Inputs, step.Inputs ?? []));
                return errors.Count > 0 ? string.Join(" ", errors.SelectMany(e => e.Value)) : null;
            default:
                return Enum.IsDefined(step.Kind) ? null : $"The step is one of {string.Join(", ", Enum.GetNames<RuleStepKind>())}.";
        }
    }

    private static WorkflowRuleView View(WorkflowRule r) => new(r.Id, r.Name, r.Event, r.Condition, r.Steps, r.Enabled);
}
