using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

/// <summary>Self-healing rules: which alert runs which low-risk action by itself (managers and admins change them).</summary>
public sealed class HealingRuleService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock, HealingService healing)
{
    public async Task<IReadOnlyList<HealingRuleView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var slugs = await db.AutomationActions.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Slug, cancellationToken);
        return [.. (await db.HealingRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken))
            .Select(r => new HealingRuleView(r.Id, r.Name, r.IntegrationId, r.ServiceSlug, r.AlertClass, slugs[r.ActionId], r.Inputs, r.Enabled))];
    }

    /// <summary>Creates (id 0) or changes a rule: it names at least one condition, and a promoted low-risk action whose inputs it fills.</summary>
    public async Task<HealingRuleView> SaveAsync(ClaimsPrincipal user, HealingRuleView? rule, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, "healing rules", "Only managers and admins change self-healing rules.", cancellationToken);
        if (rule is null)
        {
            throw new ValidationException("rule", "Send the rule.");
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Length > 120)
        {
            errors["name"] = ["Name the rule in at most 120 characters."];
        }
        if (rule.IntegrationId is null && string.IsNullOrWhiteSpace(rule.ServiceSlug) && string.IsNullOrWhiteSpace(rule.AlertClass))
        {
            errors["alertClass"] = ["Say which alerts it heals: an integration, a service, an alert class, or several."];
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await db.AutomationActions.FirstOrDefaultAsync(a => a.Slug == rule.Action, cancellationToken);
        if (action is null)
        {
            errors["action"] = [$"No action '{rule.Action}'."];
        }
        else if (action.PromotedVersion is not { } promoted)
        {
            errors["action"] = [$"'{action.Slug}' has no promoted version; an admin promotes one before it may run by itself."];
        }
        else
        {
            var definition = await RunService.DefinitionAsync(db, action.Id, promoted, cancellationToken);
            if (definition.Risk != RiskTier.Low)
            {
                errors["action"] = [$"'{action.Slug}' is {definition.Risk.ToString().ToLowerInvariant()}-risk; only low-risk actions heal by themselves."];
            }
            var inputs = rule.Inputs ?? new Dictionary<string, string>();
            foreach (var (field, problems) in ActionInputs.Validate(definition.Inputs, HealingService.AsJson(definition.Inputs, inputs)).Errors)
            {
                errors[field] = problems;
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var saved = rule.Id == 0 ? null : await db.HealingRules.FirstOrDefaultAsync(r => r.Id == rule.Id, cancellationToken) ?? throw new NotFoundException($"No rule {rule.Id}.");
        if (saved is null)
        {
            saved = new HealingRule { Name = rule.Name, CreatedAt = clock.GetUtcNow() };
            db.HealingRules.Add(saved);
        }
        (saved.Name, saved.IntegrationId, saved.ServiceSlug, saved.AlertClass) = (rule.Name.Trim(), rule.IntegrationId, Blank(rule.ServiceSlug), Blank(rule.AlertClass));
        (saved.ActionId, saved.Inputs, saved.Enabled) = (action!.Id, new(rule.Inputs ?? new Dictionary<string, string>()), rule.Enabled);
        db.Audit(user, clock.GetUtcNow(), "automation.healing-rule.saved", $"healing rule {saved.Name}",
            $"{(saved.Enabled ? "on" : "off")}: runs {action.Slug} when {saved.IntegrationId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any integration"} / {saved.ServiceSlug ?? "any service"} / {saved.AlertClass ?? "any class"} fires");
        await db.SaveChangesAsync(cancellationToken);
        await healing.RefreshAsync(cancellationToken);
        return new(saved.Id, saved.Name, saved.IntegrationId, saved.ServiceSlug, saved.AlertClass, action.Slug, saved.Inputs, saved.Enabled);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
