using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>Reads, for one run about to go, everything the guardrails look at: switches, freezes, counts and the last runs on its target.</summary>
public static class GuardrailReader
{
    public static async Task<AutomationSettings> SettingsAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.AutomationSettings.AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, cancellationToken) ?? new AutomationSettings { Id = 1 };

    public static async Task<Refusal?> CheckAsync(PortalDbContext db, ActionRun run, AutomationAction action, ActionDefinition definition, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var settings = await SettingsAsync(db, cancellationToken);
        var region = run.IncidentNumber is { } number
            ? await db.Incidents.Where(i => i.Number == number).Select(i => (Shared.Admin.RegionCode?)i.Region).FirstOrDefaultAsync(cancellationToken)
            : null;
        var promoted = action.PromotedVersion == run.ActionVersion;
        if (run.RollbackOf is not null)
        {
            // An undo is never held back by the limits that guard against doing too much: only the switches, the promotion and the scope apply.
            return Guardrails.Check(new GuardrailInput(RunTrigger.Manual, run.DryRun, settings.GlobalKill, action.Killed, promoted, definition.Risk,
                definition.Limits with { RequiresApproval = false, MaxConcurrent = int.MaxValue }, definition.Services, run.TargetService, true, null, 0, 0, null, 0), now);
        }
        var others = db.ActionRuns.AsNoTracking().Where(r => r.ActionId == action.Id && r.Id != run.Id && !r.DryRun);
        var running = await others.CountAsync(r => r.State == RunState.Dispatched || r.State == RunState.Running, cancellationToken);
        var onTarget = others.Where(r => r.TargetService == run.TargetService && r.DispatchedAt != null);
        var last = await onTarget.MaxAsync(r => r.DispatchedAt, cancellationToken);
        var hourAgo = now.AddHours(-1);
        var automatic = await onTarget.CountAsync(r => r.Trigger != RunTrigger.Manual && r.DispatchedAt > hourAgo && r.RollbackOf == null, cancellationToken);
        var input = new GuardrailInput(run.Trigger, run.DryRun, settings.GlobalKill, action.Killed, promoted, definition.Risk, definition.Limits,
            definition.Services, run.TargetService, run.ApprovedAt is not null, FreezeWindows.Active(settings.Freezes, region, now),
            running, action.ErrorsInARow, last, automatic);
        return Guardrails.Check(input, now);
    }
}
