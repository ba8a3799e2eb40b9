using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Features.Cases;

/// <summary>A case SLA policy as the API gives it: a priority, for one tier or all, its targets in minutes and its hours.</summary>
public sealed record CaseSlaPolicyChange(int? FirstReplyMinutes, int? ResolutionMinutes, bool? BusinessHours);

/// <summary>A region's calendar as the API gives it.</summary>
public sealed record RegionCalendarChange(string? Opens, string? Closes, IReadOnlyList<IsoDayOfWeek>? WorkingDays, IReadOnlyList<string>? Holidays);

/// <summary>
/// The case SLA settings admins edit: the targets per priority (and tier), and each region's working week and public
/// holidays. A change applies to cases opened from then on; open cases keep the dues they were given.
/// </summary>
public sealed class CaseSettingsService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public const int MaxHolidays = 200;

    public async Task<IReadOnlyList<CaseSlaPolicy>> PoliciesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.CaseSlaPolicies.AsNoTracking().OrderBy(p => p.Priority).ThenBy(p => p.Tier).ToListAsync(cancellationToken);
    }

    /// <summary>Sets the targets of a priority, for one tier (or every tier with <paramref name="tier"/> null); admins only.</summary>
    public async Task<CaseSlaPolicy> SetPolicyAsync(ClaimsPrincipal user, CasePriority priority, AdvertiserTier? tier, CaseSlaPolicyChange change, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(Shared.Team.PortalRole.Admin), user, $"case SLA {priority}", "Only admins change case SLA policies.", cancellationToken);
        if (CaseSla.Check(change.FirstReplyMinutes, change.ResolutionMinutes) is { Count: > 0 } errors)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var policy = await db.CaseSlaPolicies.FirstOrDefaultAsync(p => p.Priority == priority && p.Tier == tier, cancellationToken);
        if (policy is null)
        {
            policy = new CaseSlaPolicy { Priority = priority, Tier = tier };
            db.CaseSlaPolicies.Add(policy);
        }
        (policy.FirstReplyMinutes, policy.ResolutionMinutes, policy.BusinessHours) = (change.FirstReplyMinutes, change.ResolutionMinutes, change.BusinessHours ?? policy.BusinessHours);
        db.Audit(user, clock.GetUtcNow(), "case-sla.changed", $"{priority}{(tier is { } t ? " " + t : "")}", $"{change.FirstReplyMinutes} / {change.ResolutionMinutes} min");
        await db.SaveChangesAsync(cancellationToken);
        return policy;
    }

    public async Task<IReadOnlyList<RegionCalendar>> CalendarsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.RegionCalendars.AsNoTracking().OrderBy(c => c.Region).ToListAsync(cancellationToken);
    }

    /// <summary>Sets a region's working hours, working days and holidays; admins only. Every field is checked before anything is stored.</summary>
    public async Task<RegionCalendar> SetCalendarAsync(ClaimsPrincipal user, RegionCode region, RegionCalendarChange change, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(Shared.Team.PortalRole.Admin), user, $"calendar {region}", "Only admins change regions' calendars.", cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var opens = CaseTime.ParseTime(change.Opens);
        var closes = CaseTime.ParseTime(change.Closes);
        if (opens is null)
        {
            errors["opens"] = ["Give the opening time as HH:mm (09:00)."];
        }
        if (closes is null)
        {
            errors["closes"] = ["Give the closing time as HH:mm (18:00)."];
        }
        else if (opens is { } o && closes < o)
        {
            errors["closes"] = ["A working day closes after it opens (the same time for the whole day)."];
        }
        var days = change.WorkingDays ?? [];
        if (days.Count == 0 || days.Any(d => !Enum.IsDefined(d) || d == IsoDayOfWeek.None))
        {
            errors["workingDays"] = ["Give at least one working day, Monday to Sunday."];
        }
        var holidays = change.Holidays ?? [];
        var bad = holidays.Where(h => CaseTime.ParseDate(h) is null).ToList();
        if (bad.Count > 0)
        {
            errors["holidays"] = [$"Not a date (yyyy-MM-dd): {string.Join(", ", bad.Take(5))}."];
        }
        else if (holidays.Count > MaxHolidays)
        {
            errors["holidays"] = [$"At most {MaxHolidays} holidays."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var calendar = await db.RegionCalendars.FirstOrDefaultAsync(c => c.Region == region, cancellationToken);
        if (calendar is null)
        {
            calendar = new RegionCalendar { Region = region };
            db.RegionCalendars.Add(calendar);
        }
        calendar.Opens = change.Opens!.Trim();
        calendar.Closes = change.Closes!.Trim();
        calendar.WorkingDays = [.. days.Distinct().Order()];
        calendar.Holidays = [.. holidays.Select(h => CaseTime.ParseDate(h)!.Value.ToString("yyyy-MM-dd", null)).Distinct().Order(StringComparer.Ordinal)];
        db.Audit(user, clock.GetUtcNow(), "calendar.changed", region.ToString(), $"{calendar.Opens}-{calendar.Closes}, {calendar.Holidays.Count} holidays");
        await db.SaveChangesAsync(cancellationToken);
        return calendar;
    }
}
