using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

public sealed class AutomationSignal : Background.ProcessorSignal;

/// <summary>
/// People's side of runs: asking for one (a dry-run, or for real through the guardrails), approving one (not your own,
/// within 30 minutes), cancelling one; and reading them. Every step is on the incident's timeline and in the audit log.
/// </summary>
public sealed class RunService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock, RunJournal journal, AutomationSignal signal,
    RunnerWake runners)
{
    public async Task<RunView> RequestAsync(ClaimsPrincipal user, RunRequest? request, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Engineer), user, $"action {request?.Action}", "Only signed-in people run actions.", cancellationToken);
        if (request is null || string.IsNullOrWhiteSpace(request.Action))
        {
            throw new ValidationException("action", "Name the action to run.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var action = await db.AutomationActions.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == request.Action, cancellationToken)
            ?? throw new ValidationException("action", $"No action '{request.Action}'.");
        // A dry-run shows the newest version (the one waiting for promotion); a real run uses the promoted one.
        var number = request.DryRun ? action.LatestVersion : action.PromotedVersion ?? action.LatestVersion;
        var definition = await DefinitionAsync(db, action.Id, number, cancellationToken);
        string? service = request.Service;
        if (request.Incident is { } incident)
        {
            var found = await db.Incidents.AsNoTracking().Where(i => i.Number == incident)
                .Select(i => new { Service = i.Service == null ? null : i.Service.Slug }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("incident", $"No incident {Shared.Incidents.IncidentNumber.Format(incident)}.");
            service ??= found.Service;
        }
        service ??= definition.Services.Count == 1 ? definition.Services[0] : null;
        var (values, errors) = ActionInputs.Validate(definition.Inputs, request.Inputs);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var now = clock.GetUtcNow();
        var run = NewRun(action, number, RunTrigger.Manual, request.DryRun, request.Incident, service, values, now);
        (run.RequestedById, run.RequestedBy) = (user.GetPersonId(), await ActionCatalogService.NameAsync(db, user, cancellationToken));
        run.Preview = ActionPlans.Render(definition, values, request.Incident, service).Describe();
        var refusal = await GuardrailReader.CheckAsync(db, run, action, definition, now, cancellationToken);
        var what = Decide(run, refusal, now);
        return await CommitAsync(db, run, user, what, now, cancellationToken);
    }

    /// <summary>Approves a waiting run: a manager or admin who did not ask for it, within 30 minutes; then the guardrails are checked again.</summary>
    public async Task<RunView> ApproveAsync(ClaimsPrincipal user, long id, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, $"run {id}", "Only managers and admins approve runs.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var run = await FindAsync(db, id, cancellationToken);
        var now = clock.GetUtcNow();
        if (RunStates.WhyNotApprove(run.State, run.RequestedById ?? 0, user.GetPersonId() ?? 0, run.RequestedAt, now) is { } why)
        {
            if (run.RequestedById == user.GetPersonId())
            {
                throw await audit.DenyAsync(user, $"run {id}", why, cancellationToken);
            }
            throw new ConflictException(why);
        }
        var action = await db.AutomationActions.AsNoTracking().FirstAsync(a => a.Id == run.ActionId, cancellationToken);
        (run.ApprovedById, run.ApprovedBy, run.ApprovedAt) = (user.GetPersonId(), await ActionCatalogService.NameAsync(db, user, cancellationToken), now);
        var refusal = await GuardrailReader.CheckAsync(db, run, action, await DefinitionAsync(db, action.Id, run.ActionVersion, cancellationToken), now, cancellationToken);
        var what = Decide(run, refusal, now);
        return await CommitAsync(db, run, user, $"Approved by {run.ApprovedBy}. {what}", now, cancellationToken);
    }

    /// <summary>Cancels a run that has not been sent yet: its requester, or a manager or admin.</summary>
    public async Task<RunView> CancelAsync(ClaimsPrincipal user, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var run = await FindAsync(db, id, cancellationToken);
        await audit.RequireAsync(run.RequestedById == user.GetPersonId() || user.HasPortalRole(PortalRole.Manager), user, $"run {id}",
            "Only the requester, a manager or an admin cancels a run.", cancellationToken);
        if (run.State is not (RunState.AwaitingApproval or RunState.Queued))
        {
            throw new ConflictException($"The run is {RunStates.Label(run.State)}; only a waiting or queued run can be cancelled.");
        }
        var now = clock.GetUtcNow();
        (run.State, run.FinishedAt, run.Reason) = (RunState.Cancelled, now, $"Cancelled by {await ActionCatalogService.NameAsync(db, user, cancellationToken)}.");
        return await CommitAsync(db, run, user, run.Reason, now, cancellationToken);
    }

    public async Task<RunView> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return (await ViewsAsync(db, db.ActionRuns.AsNoTracking().Where(r => r.Id == id), cancellationToken)).FirstOrDefault()
            ?? throw new NotFoundException($"No run {id}.");
    }

    /// <summary>The newest runs, of one incident or of all; at most <paramref name="take"/>.</summary>
    public async Task<IReadOnlyList<RunView>> ListAsync(long? incident = null, string? action = null, int take = 50, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.ActionRuns.AsNoTracking();
        query = incident is { } number ? query.Where(r => r.IncidentNumber == number) : query;
        query = action is null ? query : query.Where(r => r.ActionSlug == action);
        return await ViewsAsync(db, query.OrderByDescending(r => r.Id).Take(Math.Clamp(take, 1, 200)), cancellationToken);
    }

    internal static ActionRun NewRun(AutomationAction action, int version, RunTrigger trigger, bool dryRun, long? incident, string? service,
        IReadOnlyDictionary<string, string> inputs, DateTimeOffset now) =>
        new()
        {
            ActionId = action.Id, ActionSlug = action.Slug, ActionVersion = version, Trigger = trigger, DryRun = dryRun, IncidentNumber = incident,
            TargetService = service, Inputs = new(inputs), RequestedBy = RunJournal.Automation, RequestedAt = now, IdempotencyKey = Guid.NewGuid().ToString("N"),
            State = RunState.Queued, Version = 1,
        };

    /// <summary>
    /// Where a run goes after its guardrails: a dry-run is done at once (nothing sent); a manual run that needs an
    /// approval (or runs in a freeze) waits for one; any other refusal ends it; otherwise it is queued. Returns the words.
    /// </summary>
    internal static string Decide(ActionRun run, Refusal? refusal, DateTimeOffset now)
    {
        if (refusal is null && run.DryRun)
        {
            (run.State, run.FinishedAt, run.Output) = (RunState.Succeeded, now, "Dry-run: nothing was sent or executed.");
            return "Dry-run: would send\n" + run.Preview;
        }
        if (refusal is null)
        {
            run.State = RunState.Queued;
            var how = run.Trigger switch { RunTrigger.SelfHealing => "self-healing", RunTrigger.Rule => "by a workflow rule", _ => "by a person" };
            return $"Queued ({how}{(run.TargetService is null ? "" : $" on {run.TargetService}")}).";
        }
        var waits = run.Trigger == RunTrigger.Manual && run.ApprovedAt is null
            && refusal.Guardrail is Guardrail.Approval or Guardrail.FreezeWindow && run.State != RunState.AwaitingApproval;
        if (waits)
        {
            (run.State, run.Reason) = (RunState.AwaitingApproval, refusal.Why);
            return $"Awaiting approval: {refusal.Why}";
        }
        (run.State, run.RefusedBy, run.Reason, run.FinishedAt) = (RunState.Refused, refusal.Guardrail, refusal.Why, now);
        return $"Refused by the {Words(refusal.Guardrail)} guardrail: {refusal.Why}";
    }

    internal static string Words(Guardrail guardrail) => guardrail switch
    {
        Guardrail.GlobalKillSwitch => "global kill switch",
        Guardrail.ActionKillSwitch => "action's kill switch",
        Guardrail.NotPromoted => "promotion",
        Guardrail.ServiceScope => "service scope",
        Guardrail.FreezeWindow => "freeze window",
        Guardrail.ErrorBudget => "error budget",
        Guardrail.CircuitBreaker => "circuit breaker",
        _ => guardrail.ToString().ToLowerInvariant(),
    };

    internal static async Task<ActionDefinition> DefinitionAsync(PortalDbContext db, int actionId, int number, CancellationToken cancellationToken) =>
        await db.ActionVersions.AsNoTracking().Where(v => v.ActionId == actionId && v.Number == number).Select(v => v.Definition).FirstAsync(cancellationToken);

    private async Task<RunView> CommitAsync(PortalDbContext db, ActionRun run, ClaimsPrincipal user, string what, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (run.Id == 0)
        {
            db.ActionRuns.Add(run);
        }
        else
        {
            run.Version++;
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone else changed this run at the same moment; read it again.");
        }
        await RunJournal.StageAsync(db, run, user, run.Trigger == RunTrigger.Manual ? await ActionCatalogService.NameAsync(db, user, cancellationToken) : null, what, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await journal.PublishAsync(db, run.IncidentNumber, cancellationToken);
        if (run.State == RunState.Queued)
        {
            signal.Wake();
            runners.Wake();
        }
        return (await ViewsAsync(db, db.ActionRuns.AsNoTracking().Where(r => r.Id == run.Id), cancellationToken))[0];
    }

    private static async Task<ActionRun> FindAsync(PortalDbContext db, long id, CancellationToken cancellationToken) =>
        await db.ActionRuns.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"No run {id}.");

    internal static async Task<List<RunView>> ViewsAsync(PortalDbContext db, IQueryable<ActionRun> query, CancellationToken cancellationToken)
    {
        var runs = await query.ToListAsync(cancellationToken);
        var ids = runs.Select(r => r.ActionId).Distinct().ToList();
        var names = await db.AutomationActions.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
        return [.. runs.Select(r => new RunView(r.Id, r.ActionSlug, names.GetValueOrDefault(r.ActionId, r.ActionSlug), r.ActionVersion, r.State, RunStates.Label(r.State),
            r.Trigger, r.DryRun, r.IncidentNumber, r.TargetService, r.Inputs, r.RequestedBy, r.RequestedById, r.RequestedAt, r.ApprovedBy, r.ApprovedAt,
            r.DispatchedAt, r.StartedAt, r.FinishedAt, r.Runner, r.RefusedBy, r.Reason, r.Preview, r.Output, r.Verification, r.VerifyBy, r.RollbackOf))];
    }
}
