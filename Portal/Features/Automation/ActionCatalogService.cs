using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

/// <summary>
/// The action catalogue: saving a version (managers and admins), promoting one (admins only), the kill switches and
/// the error budget's reset. Editing and running are separate permissions; each refusal is audited.
/// </summary>
public sealed partial class ActionCatalogService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock, AutomationOptions options,
    RunCanceller canceller, AutomationOutbound outbound)
{
    [GeneratedRegex("^[a-z][a-z0-9-]{1,59}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugRule();

    public async Task<IReadOnlyList<ActionSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actions = await db.AutomationActions.AsNoTracking().OrderBy(a => a.Name).ToListAsync(cancellationToken);
        var latest = await LatestAsync(db, actions, cancellationToken);
        return [.. actions.Select(a => Summary(a, latest[a.Id]))];
    }

    public async Task<ActionDetail> GetAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await db.AutomationActions.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == slug, cancellationToken)
            ?? throw new NotFoundException($"No action '{slug}'.");
        var versions = await db.ActionVersions.AsNoTracking().Where(v => v.ActionId == action.Id).OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        return new(Summary(action, versions[0].Definition),
            [.. versions.Select(v => new ActionVersionView(v.Number, v.Definition, v.CreatedBy, v.CreatedAt, v.PromotedBy, v.PromotedAt))]);
    }

    /// <summary>Saves a new version (a new action when the slug is new). It runs only as a dry-run until an admin promotes it.</summary>
    public async Task<ActionDetail> SaveAsync(ClaimsPrincipal user, string slug, ActionDefinition? definition, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, $"action {slug}", "Only managers and admins create or change actions.", cancellationToken);
        if (slug is null || !SlugRule().IsMatch(slug))
        {
            throw new ValidationException("slug", "The slug is 2 to 60 lower case letters, digits and dashes, starting with a letter.");
        }
        if (definition is null)
        {
            throw new ValidationException("definition", "Send the action's definition.");
        }
        if (ActionDefinitions.Problems(definition, options.AllowedCommands) is { Count: > 0 } problems)
        {
            throw new ValidationException(problems);
        }
        await CheckAddressesAsync(definition, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (definition.Rollback is { } rollback && (rollback == slug || !await db.AutomationActions.AnyAsync(a => a.Slug == rollback, cancellationToken)))
        {
            throw new ValidationException("rollback", $"The rollback '{rollback}' is not another action in the catalogue.");
        }
        var now = clock.GetUtcNow();
        var name = await NameAsync(db, user, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var action = await db.AutomationActions.FirstOrDefaultAsync(a => a.Slug == slug, cancellationToken);
        if (action is null)
        {
            action = new AutomationAction { Slug = slug, Name = definition.Name, CreatedAt = now };
            db.AutomationActions.Add(action);
        }
        action.LatestVersion++;
        (action.Name, action.UpdatedAt) = (definition.Name.Trim(), now);
        action.Version++;
        await SaveAsync(db, slug, cancellationToken);
        db.ActionVersions.Add(new ActionVersion { ActionId = action.Id, Number = action.LatestVersion, Definition = definition, CreatedBy = name, CreatedAt = now });
        db.Audit(user, now, "automation.action.saved", $"action {slug}", $"version {action.LatestVersion}: {definition.Kind}, {definition.Risk} risk; dry-run only until promoted");
        await SaveAsync(db, slug, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(slug, cancellationToken);
    }

    /// <summary>
    /// A URL whose host is written out (no {{name}} in it) must be one the operator allows: a metadata or link-local
    /// address is refused here, by field. A host made from inputs is checked when the run connects.
    /// </summary>
    private async Task CheckAddressesAsync(ActionDefinition definition, CancellationToken cancellationToken)
    {
        var urls = new List<(string Field, string? Url)> { ("http.url", definition.Http?.Url) };
        if (definition.Verify.Kind == VerifyKind.HttpCheck)
        {
            urls.Add(("verify.url", definition.Verify.Url));
        }
        foreach (var (field, url) in urls)
        {
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && !uri.Host.Contains('{', StringComparison.Ordinal)
                && await Notifications.OutboundGuard.WhyNotAsync(outbound.Rules, uri, cancellationToken) is { } why)
            {
                throw new ValidationException(field, $"The portal may not call {uri.Host}: {why}. An operator allows a range in Automation:AllowedOutboundRanges.");
            }
        }
    }

    /// <summary>Lets a version run for real: admins only.</summary>
    public async Task<ActionDetail> PromoteAsync(ClaimsPrincipal user, string slug, int version, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, $"action {slug}", "Only admins promote a version of an action.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await FindAsync(db, slug, cancellationToken);
        var saved = await db.ActionVersions.FirstOrDefaultAsync(v => v.ActionId == action.Id && v.Number == version, cancellationToken)
            ?? throw new ValidationException("version", $"'{slug}' has no version {version}.");
        var now = clock.GetUtcNow();
        (saved.PromotedBy, saved.PromotedAt) = (await NameAsync(db, user, cancellationToken), now);
        action.PromotedVersion = version;
        action.Version++;
        db.Audit(user, now, "automation.action.promoted", $"action {slug}", $"version {version} runs for real");
        await SaveAsync(db, slug, cancellationToken);
        return await GetAsync(slug, cancellationToken);
    }

    /// <summary>The action's kill switch (managers and admins): switching it off cancels its queued runs.</summary>
    public async Task<ActionDetail> SetKilledAsync(ClaimsPrincipal user, string slug, bool killed, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, $"action {slug}", "Only managers and admins use an action's kill switch.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await FindAsync(db, slug, cancellationToken);
        var now = clock.GetUtcNow();
        action.Killed = killed;
        action.Version++;
        db.Audit(user, now, killed ? "automation.action.killed" : "automation.action.revived", $"action {slug}");
        await SaveAsync(db, slug, cancellationToken);
        if (killed)
        {
            await canceller.CancelQueuedAsync(action.Id, "This action's kill switch was pulled.", cancellationToken);
        }
        return await GetAsync(slug, cancellationToken);
    }

    /// <summary>Clears the error budget after someone looked at why the runs failed.</summary>
    public async Task<ActionDetail> ResetErrorsAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, $"action {slug}", "Only managers and admins reset an action's error budget.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await FindAsync(db, slug, cancellationToken);
        db.Audit(user, clock.GetUtcNow(), "automation.action.errors-reset", $"action {slug}", $"{action.ErrorsInARow} failed runs in a row forgiven");
        (action.ErrorsInARow, action.Version) = (0, action.Version + 1);
        await SaveAsync(db, slug, cancellationToken);
        return await GetAsync(slug, cancellationToken);
    }

    public async Task<AutomationSwitches> SwitchesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var settings = await GuardrailReader.SettingsAsync(db, cancellationToken);
        return new(settings.GlobalKill, settings.Freezes, FreezeWindows.Active(settings.Freezes, null, clock.GetUtcNow()));
    }

    /// <summary>The global kill switch (admins): on, nothing runs and every queued or waiting run is cancelled.</summary>
    public async Task<AutomationSwitches> SetGlobalKillAsync(ClaimsPrincipal user, bool killed, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "automation", "Only admins use the global kill switch.", cancellationToken);
        await ChangeSettingsAsync(user, s => s.GlobalKill = killed, killed ? "automation.killed" : "automation.revived", null, cancellationToken);
        if (killed)
        {
            await canceller.CancelQueuedAsync(null, "The global kill switch was pulled.", cancellationToken);
        }
        return await SwitchesAsync(cancellationToken);
    }

    /// <summary>Replaces the freeze windows (admins); each is checked and named when wrong.</summary>
    public async Task<AutomationSwitches> SetFreezesAsync(ClaimsPrincipal user, List<FreezeWindow>? freezes, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "automation", "Only admins set freeze windows.", cancellationToken);
        freezes ??= [];
        var problems = freezes.Select((f, i) => (i, problem: f is null ? "A freeze is missing." : FreezeWindows.Problem(f)))
            .Where(p => p.problem is not null).ToDictionary(p => $"freezes[{p.i}]", p => new[] { p.problem! });
        if (problems.Count > 0)
        {
            throw new ValidationException(problems);
        }
        await ChangeSettingsAsync(user, s => s.Freezes = freezes, "automation.freezes-set", string.Join(", ", freezes.Select(f => f.Name)), cancellationToken);
        return await SwitchesAsync(cancellationToken);
    }

    /// <summary>The signing secret HTTP actions carry (admins, to configure receivers): configured, or made once and kept.</summary>
    public async Task<string> SigningSecretAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "automation signing secret", "Only admins read the signing secret.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Audit(user, clock.GetUtcNow(), "automation.secret-read", "automation signing secret");
        await db.SaveChangesAsync(cancellationToken);
        return await SigningSecrets.GetAsync(db, options, cancellationToken);
    }

    private async Task ChangeSettingsAsync(ClaimsPrincipal user, Action<AutomationSettings> change, string what, string? detail, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var settings = await db.AutomationSettings.FirstOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (settings is null)
        {
            settings = new AutomationSettings { Id = 1 };
            db.AutomationSettings.Add(settings);
        }
        change(settings);
        settings.Version++;
        db.Audit(user, clock.GetUtcNow(), what, "automation", detail);
        await SaveAsync(db, "automation", cancellationToken);
    }

    private static async Task SaveAsync(PortalDbContext db, string what, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"Someone else changed {what} at the same moment; read it again and retry.");
        }
    }

    private static async Task<AutomationAction> FindAsync(PortalDbContext db, string slug, CancellationToken cancellationToken) =>
        await db.AutomationActions.FirstOrDefaultAsync(a => a.Slug == slug, cancellationToken) ?? throw new NotFoundException($"No action '{slug}'.");

    internal static async Task<string> NameAsync(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        user.GetPersonId() is { } id ? await db.People.Where(p => p.Id == id).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken) ?? user.AuditName() : user.AuditName();

    private static async Task<Dictionary<int, ActionDefinition>> LatestAsync(PortalDbContext db, List<AutomationAction> actions, CancellationToken cancellationToken)
    {
        var ids = actions.Select(a => a.Id).ToList();
        var versions = await db.ActionVersions.AsNoTracking().Where(v => ids.Contains(v.ActionId)).ToListAsync(cancellationToken);
        return versions.GroupBy(v => v.ActionId).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Number)!.Definition);
    }

    internal static ActionSummary Summary(AutomationAction a, ActionDefinition d) =>
        new(a.Slug, a.Name, d.Description, d.Kind, d.Risk, a.LatestVersion, a.PromotedVersion, a.Killed, a.ErrorsInARow, d.Limits.MaxErrors, d.Services, d.MinutesSaved);
}
