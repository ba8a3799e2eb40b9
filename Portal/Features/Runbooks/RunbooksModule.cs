using Portal.Shared.Runbooks;

namespace Portal.Features.Runbooks;

public sealed record TickRequest(string? Incident, int Step, bool Done = true);

public sealed record UseRequest(string? Incident, RunbookUse Use);

public static partial class RunbooksModule
{
    public static void AddRunbooksModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RunbookService>();
        builder.Services.AddScoped<IncidentRunbookService>();
        builder.Services.AddScoped<RunbookSync>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Runbooks").Get<RunbookOptions>() ?? new RunbookOptions());
    }
}
