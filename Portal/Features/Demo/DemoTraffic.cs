using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Cases;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>
/// With <c>Demo:Traffic=true</c>, the demo world opens and works incidents every few seconds through the same service
/// as people do, so a first look at the portal shows the queue alive. Off by default.
/// </summary>
public sealed class DemoTraffic(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DemoTraffic> logger) : BackgroundService
{
    private static readonly string[] Openings =
    [
        "Card authorisations declining for {0} advertisers", "Invoice queue growing in {0}", "Billing API errors for partners in {0}",
        "Budget pacing lag in {0}", "FX rates late for {0} currencies", "Ledger sync behind in {0}",
    ];

    private readonly Random _random = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2 + _random.Next(4)), clock, stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await StepAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is ConflictException or ValidationException or NotFoundException or DbUpdateException)
            {
                // Someone (a person, or another node) got there first; the next step picks something else.
                logger.LogDebug(ex, "Demo traffic step skipped");
            }
        }
    }

    /// <summary>
    /// One step of the case queue: an advertiser writes in, an engineer answers (asking for details, or solving), an
    /// advertiser answers back; through the same services as people and advertisers.
    /// </summary>
    private async Task CaseStepAsync(IServiceProvider services, PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var cases = services.GetRequiredService<CaseService>();
        var advertisers = services.GetRequiredService<AdvertiserCaseService>();
        var open = await db.Cases.AsNoTracking().Where(c => c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed)
            .OrderByDescending(c => c.Number).Take(40).Select(c => new { c.Number, c.Status, c.Version, c.RequesterEmail }).ToListAsync(cancellationToken);
        if (open.Count < 10 || _random.NextDouble() < 0.35)
        {
            var count = await db.Advertisers.CountAsync(cancellationToken);
            var advertiser = await db.Advertisers.AsNoTracking().OrderBy(a => a.Id).Skip(_random.Next(Math.Max(1, count))).FirstOrDefaultAsync(cancellationToken);
            if (advertiser is not { BillingEmails: [var email, ..] })
            {
                return;
            }
            var (category, subject) = CaseOpenings[_random.Next(CaseOpenings.Length)];
            await advertisers.OpenAsync(advertiser.Id, new AdvertiserMessage(email, "Could you look at this? (demo traffic)"), subject, category,
                _random.NextDouble() < 0.5 ? CaseChannel.Email : CaseChannel.WebForm, cancellationToken: cancellationToken);
            return;
        }
        var target = open[_random.Next(open.Count)];
        if (target.Status is CaseStatus.PendingAdvertiser && target.RequesterEmail is { } from)
        {
            await advertisers.WroteAsync(target.Number, new AdvertiserMessage(from, "Here are the details you asked for (demo traffic)."), CaseChannel.Email, cancellationToken);
            return;
        }
        var then = target.Status == CaseStatus.New && _random.NextDouble() < 0.5 ? CaseStatus.PendingAdvertiser : CaseStatus.Solved;
        await cases.ReplyAsync(user, target.Number, then == CaseStatus.Solved ? "This is fixed now; the correction shows on your next invoice." : "Could you send the invoice number?",
            then, target.Version, cancellationToken);
    }

    private static readonly (string Category, string Subject)[] CaseOpenings =
    [
        ("duplicate-charge", "Charged twice this morning"), ("invoice-dispute", "Invoice higher than our spend report"), ("refund", "Refund not received"),
        ("payment-failure", "Payment declined, ads paused"), ("tax-document", "Need a corrected tax invoice"), ("budget-promotion", "Coupon not applied"),
    ];

    internal async Task StepAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var incidents = services.GetRequiredService<IncidentService>();
        var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        await using (db)
        {
            var engineers = await db.People.AsNoTracking().Where(p => p.Role == PortalRole.Engineer && p.Active).ToListAsync(cancellationToken);
            if (engineers.Count == 0)
            {
                return;
            }
            var actor = engineers[_random.Next(engineers.Count)];
            var user = new ClaimsPrincipal(PortalClaims.IdentityFor(actor));
            if (_random.NextDouble() < 0.5)
            {
                await CaseStepAsync(services, db, user, cancellationToken);
                return;
            }
            if (_random.NextDouble() < 0.04)
            {
                // Now and then the invoice renderer wedges: self-healing restarts it, and the probe resolves its alert.
                await DemoBilling.WedgeAsync(services, db, cancellationToken);
                return;
            }
            var open = await db.Incidents.AsNoTracking().Where(i => i.Status != IncidentStatus.Resolved)
                .OrderByDescending(i => i.Number).Take(30).Select(i => new { i.Number, i.Status, i.Version }).ToListAsync(cancellationToken);
            var roll = _random.NextDouble();
            if (open.Count < 8 || roll < 0.3)
            {
                var region = Shared.Admin.Regions.Get(actor.Region).Name;
                var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, Openings[_random.Next(Openings.Length)], region);
                var severity = _random.NextDouble() < 0.15 ? Severity.SEV2 : _random.NextDouble() < 0.5 ? Severity.SEV3 : Severity.SEV4;
                await incidents.CreateAsync(user, new NewIncident(title, "Opened by demo traffic.", severity, Region: actor.Region.ToString()), cancellationToken);
                return;
            }
            var target = open[_random.Next(open.Count)];
            var action = target.Status switch
            {
                IncidentStatus.Triggered => IncidentAction.Acknowledge,
                IncidentStatus.Acknowledged => roll < 0.6 ? IncidentAction.Mitigate : IncidentAction.Resolve,
                _ => IncidentAction.Resolve,
            };
            if (roll < 0.45)
            {
                await incidents.PostAsync(user, target.Number, "Still looking: error rate flat over the last 5 minutes.", cancellationToken: cancellationToken);
                return;
            }
            await incidents.ActAsync(user, target.Number, action, target.Version,
                action == IncidentAction.Resolve ? "Recovered after the workers were restarted (demo traffic)." : null, cancellationToken);
        }
    }
}
