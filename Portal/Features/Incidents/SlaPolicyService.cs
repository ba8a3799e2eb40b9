using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Incidents;

/// <summary>An SLA policy as the page and <c>/api/sla-policies</c> show it.</summary>
public sealed record SlaPolicyView(Severity Severity, int? AcknowledgeMinutes, int? MitigateMinutes);

public sealed record SlaPolicyChange(int? AcknowledgeMinutes, int? MitigateMinutes);

/// <summary>
/// The SLA targets per severity. Everyone may read them; admins change them. A change applies at once to every open
/// incident's clocks (they are computed from the policy), and is audited with the old and new values.
/// </summary>
public sealed class SlaPolicyService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public const string UpdatedAction = "sla.policy-updated";

    public async Task<IReadOnlyList<SlaPolicyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.SlaPolicies.AsNoTracking().OrderBy(p => p.Severity)
            .Select(p => new SlaPolicyView(p.Severity, p.AcknowledgeMinutes, p.MitigateMinutes)).ToListAsync(cancellationToken);
    }

    public async Task<SlaPolicyView> UpdateAsync(ClaimsPrincipal user, Severity severity, SlaPolicyChange change, CancellationToken cancellationToken = default)
    {
        if (!user.HasPortalRole(PortalRole.Admin))
        {
            throw await audit.DenyAsync(user, $"SLA policy {severity}", "Only admins change SLA policies.", cancellationToken);
        }
        if (!Enum.IsDefined(severity))
        {
            throw new ValidationException("severity", "Name a severity, SEV1 to SEV5.");
        }
        var errors = SlaTargets.Check(change.AcknowledgeMinutes, change.MitigateMinutes);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var policy = await db.SlaPolicies.FirstOrDefaultAsync(p => p.Severity == severity, cancellationToken);
        if (policy is null)
        {
            policy = new SlaPolicy { Severity = severity };
            db.SlaPolicies.Add(policy);
        }
        var before = Describe(policy.AcknowledgeMinutes, policy.MitigateMinutes);
        policy.AcknowledgeMinutes = change.AcknowledgeMinutes;
        policy.MitigateMinutes = change.MitigateMinutes;
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            Actor = user.AuditName(),
            ActorId = user.GetPersonId(),
            Action = UpdatedAction,
            Target = severity.ToString(),
            Detail = $"{before} → {Describe(change.AcknowledgeMinutes, change.MitigateMinutes)}",
        });
        await db.SaveChangesAsync(cancellationToken);
        return new SlaPolicyView(severity, policy.AcknowledgeMinutes, policy.MitigateMinutes);
    }

    private static string Describe(int? acknowledge, int? mitigate) =>
        string.Create(CultureInfo.InvariantCulture, $"acknowledge {Minutes(acknowledge)}, mitigate {Minutes(mitigate)}");

    private static string Minutes(int? minutes) => minutes is { } m ? string.Create(CultureInfo.InvariantCulture, $"{m} min") : "none";
}
