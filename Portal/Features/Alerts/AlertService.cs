using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;

namespace Portal.Features.Alerts;

public sealed record AlertView(
    long Id, string Integration, string DedupKey, AlertStatus Status, string Incident, string Summary, string? Source, string? Severity,
    int Count, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt, IReadOnlyDictionary<string, string> Labels);

public sealed record AlertQuery(string? Integration = null, string? DedupKey = null, string? Status = null, string? Incident = null, string? Cursor = null, int Limit = 50);

public sealed record AlertPage(IReadOnlyList<AlertView> Items, string? NextCursor);

/// <summary>Reads alerts: the API's list (newest first, keyset paging) and an incident's alerts.</summary>
public sealed class AlertService(IDbContextFactory<PortalDbContext> factory)
{
    public const int MaxLimit = 500;

    public async Task<AlertPage> ListAsync(AlertQuery query, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        AlertStatus? status = null;
        if (!string.IsNullOrWhiteSpace(query.Status))
        {
            if (Enum.TryParse<AlertStatus>(query.Status, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(query.Status, out _))
            {
                status = s;
            }
            else
            {
                errors["status"] = [$"'{query.Status}' is not Triggered, Acknowledged or Resolved."];
            }
        }
        long? incident = null;
        if (!string.IsNullOrWhiteSpace(query.Incident))
        {
            if (IncidentNumber.TryParse(query.Incident, out var n))
            {
                incident = n;
            }
            else
            {
                errors["incident"] = [$"'{query.Incident}' is not an incident number (like INC-1042)."];
            }
        }
        long? after = null;
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            if (long.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                after = c;
            }
            else
            {
                errors["cursor"] = ["The cursor is not one this API gave out."];
            }
        }
        if (query.Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"The limit is 1 to {MaxLimit}."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var integrations = await db.Integrations.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.Name, cancellationToken);
        var alerts = db.Alerts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Integration))
        {
            var ids = integrations.Where(i => string.Equals(i.Value, query.Integration.Trim(), StringComparison.OrdinalIgnoreCase)).Select(i => i.Key).ToList();
            alerts = alerts.Where(a => ids.Contains(a.IntegrationId));
        }
        if (!string.IsNullOrEmpty(query.DedupKey))
        {
            alerts = alerts.Where(a => a.DedupKey == query.DedupKey);
        }
        if (status is { } wanted)
        {
            alerts = alerts.Where(a => a.Status == wanted);
        }
        if (incident is { } number)
        {
            alerts = alerts.Where(a => a.IncidentNumber == number);
        }
        if (after is { } last)
        {
            alerts = alerts.Where(a => a.Id < last);
        }
        var rows = await alerts.OrderByDescending(a => a.Id).Take(query.Limit + 1).ToListAsync(cancellationToken);
        var items = rows.Take(query.Limit).Select(a => View(a, integrations)).ToList();
        return new AlertPage(items, rows.Count > query.Limit ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The alerts of one incident, open ones first, for its page.</summary>
    public async Task<IReadOnlyList<AlertView>> ForIncidentAsync(long number, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var integrations = await db.Integrations.AsNoTracking().ToDictionaryAsync(i => i.Id, i => i.Name, cancellationToken);
        var rows = await db.Alerts.AsNoTracking().Where(a => a.IncidentNumber == number).OrderBy(a => a.Id).Take(200).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(a => a.Status == AlertStatus.Resolved).ThenBy(a => a.Id).Select(a => View(a, integrations))];
    }

    private static AlertView View(Alert a, Dictionary<int, string> integrations) => new(
        a.Id, integrations.GetValueOrDefault(a.IntegrationId, "?"), a.DedupKey, a.Status, IncidentNumber.Format(a.IncidentNumber), a.Summary, a.Source,
        a.SeverityWord, a.Count, a.FirstSeenAt, a.LastSeenAt, a.ResolvedAt, a.Labels);
}
