using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

/// <summary>The incident page lists its alerts and folds a storm of repeated firings into one timeline line.</summary>
public class IncidentDetailAlertsTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIncidentShowsItsAlertsAndFoldsRepeatedFirings()
    {
        var user = await SignInAsync(p => p.Role == PortalRole.Engineer);
        var incident = await Services.GetRequiredService<IncidentService>().CreateAsync(user, new NewIncident("Invoice queue backlog", Severity: Severity.SEV2), Ct);
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            var integration = new Integration { Name = "Prometheus EU", Kind = IntegrationKind.Alertmanager, KeyHash = new string('0', 64), KeyHint = "…0000" };
            db.Integrations.Add(integration);
            await db.SaveChangesAsync(Ct);
            db.Alerts.Add(new Alert
            {
                IntegrationId = integration.Id, DedupKey = "c3a1f0e9b2d47a10", OpenKey = "c3a1f0e9b2d47a10", IncidentNumber = incident.Number,
                Summary = "Invoice generation queue above 50k", Count = 38, FirstSeenAt = Clock.GetUtcNow(), LastSeenAt = Clock.GetUtcNow(),
            });
            for (var i = 0; i < 38; i++)
            {
                db.Timeline.Add(new TimelineEvent
                {
                    IncidentNumber = incident.Number, IncidentVersion = 1, Kind = TimelineEventKind.AlertTriggered, ActorName = "Prometheus EU",
                    At = Clock.GetUtcNow().AddMinutes(i), Text = "Invoice generation queue above 50k", From = "c3a1f0e9b2d47a10",
                });
            }
            await db.SaveChangesAsync(Ct);
        }
        Render<MudBlazor.MudPopoverProvider>();

        var page = Render<IncidentDetailPage>(p => p.Add(x => x.Number, incident.Key));

        page.WaitForAssertion(() => Assert.Contains("Alerts (1)", page.Find("[data-testid=alerts]").TextContent, StringComparison.Ordinal));
        Assert.Contains("38×", page.Find("[data-testid=alerts]").TextContent, StringComparison.Ordinal);
        Assert.Single(page.FindAll("[data-testid=timeline-entry]"), e => e.TextContent.Contains("Alert fired", StringComparison.Ordinal));
        Assert.Contains("fired 37 more times", page.Find("[data-testid=fired-again]").TextContent, StringComparison.Ordinal);
    }
}
