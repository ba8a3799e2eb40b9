using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Team;

namespace Portal.Features.Directory;

/// <summary>A person whose records are asked for, and how the viewer stands to them.</summary>
public sealed record Subject(int Id, string Handle, string Name, PortalRole Role, string? Level, int? ManagerId, string TimeZone, Relation Relation);

/// <summary>
/// Who reports to whom, and the privacy check the Team module runs inside every service call that reads or changes
/// coaching records.
/// Refusals answer "not found" (so nothing leaks whether a record exists) and are audited; reading someone
/// else's notes or review is audited too.
/// </summary>
public static class ReportingLines
{
    public const string ReadAction = "team.read";

    public static async Task<IReadOnlyDictionary<int, int?>> ManagerMapAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.ManagerId, cancellationToken);

    /// <summary>The person by handle and the viewer's relation to them; an unknown handle is 404.</summary>
    public static async Task<Subject> SubjectAsync(PortalDbContext db, ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken)
    {
        var key = handle.Trim().ToLowerInvariant();
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == key, cancellationToken)
            ?? throw new NotFoundException($"There is no one with the handle '{handle}'.");
        return await SubjectAsync(db, viewer, person, cancellationToken);
    }

    public static async Task<Subject> SubjectAsync(PortalDbContext db, ClaimsPrincipal viewer, int personId, CancellationToken cancellationToken)
    {
        var person = await db.People.AsNoTracking().FirstAsync(p => p.Id == personId, cancellationToken);
        return await SubjectAsync(db, viewer, person, cancellationToken);
    }

    private static async Task<Subject> SubjectAsync(PortalDbContext db, ClaimsPrincipal viewer, Person person, CancellationToken cancellationToken)
    {
        var relation = viewer.GetPersonId() is { } viewerId
            ? CoachingAccess.RelationOf(viewerId, viewer.GetPortalRole() ?? PortalRole.Engineer, person.Id, await ManagerMapAsync(db, cancellationToken))
            : Relation.None;
        return new Subject(person.Id, person.Handle, person.Name, person.Role, person.Level, person.ManagerId, person.TimeZone, relation);
    }

    /// <summary>Refuses (404, audited) unless the rule allows the viewer; audits a permitted read of someone else's records.</summary>
    public static async Task RequireAsync(PortalDbContext db, ClaimsPrincipal viewer, Subject subject, bool allowed, string what, DateTimeOffset now,
        bool auditRead, CancellationToken cancellationToken)
    {
        if (!allowed)
        {
            await DeniedAsync(db, viewer, $"{what} of {subject.Handle}", now, cancellationToken);
            throw new NotFoundException($"There is no {what} of '{subject.Handle}' for you to see.");
        }
        if (auditRead && subject.Relation != Relation.Self)
        {
            db.Audit(viewer, now, ReadAction, $"{what} of {subject.Handle}");
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Records a refused attempt and returns the 404 to throw, phrased so it does not tell whether the record exists.</summary>
    public static async Task<NotFoundException> DeniedAsync(PortalDbContext db, ClaimsPrincipal viewer, string target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var refusal = AuditTrail.Refusal(viewer, target, "not the person, nor above them in the reporting chain");
        refusal.At = now;
        db.AuditEntries.Add(refusal);
        await db.SaveChangesAsync(cancellationToken);
        return new NotFoundException($"There is no {target} for you to see.");
    }
}
