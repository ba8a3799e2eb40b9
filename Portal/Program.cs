using Portal.Features.Account;
using Portal.Features.Admin;
using Portal.Features.Alerts;
using Portal.Features.Automation;
using Portal.Features.Cases;
using Portal.Features.Demo;
using Portal.Features.Directory;
using Portal.Features.Incidents;
using Portal.Features.Intelligence;
using Portal.Features.Metrics;
using Portal.Features.Notifications;
using Portal.Features.OnCall;
using Portal.Features.Rca;
using Portal.Features.Runbooks;
using Portal.Features.Team;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Live;
using Portal.Infrastructure.Telemetry;
using Portal.Infrastructure.Web;

if (args is ["runner", ..])
{
    // The runner mode: no web host, only the loop that pulls and runs jobs (see RunnerClient).
    return await RunnerClient.MainAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddPortalWeb();
builder.AddPortalTelemetry();
builder.AddPortalData();
builder.AddPortalAuth();
builder.AddPortalLive();
builder.AddDirectoryModule();
builder.AddAdminModule();
builder.AddTeamModule();
builder.AddAccountModule();
builder.AddNotificationsModule();
builder.AddIncidentsModule();
builder.AddCasesModule();
builder.AddAlertsModule();
builder.AddOnCallModule();
builder.AddRunbooksModule();
builder.AddRcaModule();
builder.AddMetricsModule();
builder.AddIntelligenceModule();
builder.AddAutomationModule();
builder.AddDemoModule();

var app = builder.Build();

await app.InitializePortalDataAsync();

app.UsePortalWeb();
app.MapPortalTelemetry();
app.MapAccountModule();
app.MapDirectoryModule();
app.MapTeamModule();
app.MapAdminModule();
app.MapNotificationsModule();
app.MapIncidentsModule();
app.MapCasesModule();
app.MapAlertsModule();
app.MapOnCallModule();
app.MapRunbooksModule();
app.MapRcaModule();
app.MapMetricsModule();
app.MapIntelligenceModule();
app.MapAutomationModule();
app.MapDemoModule();
app.MapPortalLive();
app.MapPortalPages();

await app.RunAsync();
return 0;

/// <summary>The portal's entry point; public so that tests can host it.</summary>
public partial class Program;
