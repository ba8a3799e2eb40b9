using Portal.Shared;

namespace Portal.Features.Rca;

public sealed record StepRequest([property: MultiLine] string? Comment);

public sealed record CommentRequest(string? Section, [property: MultiLine] string? Text);

public sealed record CloseRequest([property: MultiLine] string? Verification);

public sealed record LinkRequest(string? Incident);

public static partial class RcaModule
{
    public static void AddRcaModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RcaService>();
        builder.Services.AddScoped<ActionItemService>();
        builder.Services.AddScoped<RecurrenceService>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Rca").Get<RcaOptions>() ?? new RcaOptions());
        builder.Services.AddSingleton<RcaSignal>();
        builder.Services.AddHostedService<RcaProcessor>();
    }
}
