using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Features.Directory;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class DirectoryModule
{
    public static void MapDirectoryModule(this WebApplication app)
    {
        var api = app.MapApi("/api", PortalPolicies.Engineer, "People and teams");
        api.MapGet("/people", async (PeopleService people, string? region, string? team, CancellationToken ct) =>
        {
            RegionCode? code = null;
            if (!string.IsNullOrWhiteSpace(region))
            {
                if (!Regions.TryParse(region, out var parsed))
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["region"] = [Regions.NotARegion(region)] });
                }
                code = parsed;
            }
            return Results.Ok((await people.ListAsync(code, team, ct)).Select(PublicPerson.From));
        }).WithSummary("People, optionally by region code and team slug.");
        api.MapGet("/people/{handle}", async (PeopleService people, string handle, CancellationToken ct) =>
            await people.FindAsync(handle, ct) is { } p
                ? Results.Ok(PublicPerson.From(p))
                : Results.Problem(statusCode: 404, title: "Not found.", detail: $"There is no one with the handle '{handle}'."));
        api.MapGet("/teams", (PeopleService people, CancellationToken ct) => people.TeamsAsync(ct));
        api.MapGet("/services", (PeopleService people, CancellationToken ct) => people.ServicesAsync(ct));
        api.MapGet("/regions", () => Regions.All.Select(r => new RegionView(r.Code, r.Name, r.DefaultTimeZone)));
        MapAdvertisers(app);
    }
}

public static partial class DirectoryModule
{
    private static void MapAdvertisers(WebApplication app)
    {
        var api = app.MapApi("/api/advertisers", PortalPolicies.Engineer, "Advertisers");
        api.MapGet("", (AdvertiserService advertisers, string? q, string? region, string? cursor, int? limit, CancellationToken ct) =>
            advertisers.ListAsync(q, Regions.ParseFilter(region), cursor, limit ?? 50, ct))
            .WithSummary("Advertisers by name or account id (q) and region; keyset paging with cursor.");
        api.MapGet("/{accountId}", async (AdvertiserService advertisers, string accountId, CancellationToken ct) =>
            await advertisers.FindAsync(accountId, ct) is { } found
                ? Results.Ok(found)
                : Results.Problem(statusCode: 404, title: "Not found.", detail: $"There is no advertiser {accountId}."))
            .WithSummary("One advertiser by account id.");
        api.MapPost("", async (System.Security.Claims.ClaimsPrincipal user, AdvertiserService advertisers, Shared.Directory.AdvertiserInput request, CancellationToken ct) =>
        {
            var created = await advertisers.CreateAsync(user, request, ct);
            return Results.Created($"/api/advertisers/{created.AccountId}", created);
        }).WithSummary("Adds an advertiser (managers and admins).");
        api.MapPut("/{accountId}", (System.Security.Claims.ClaimsPrincipal user, AdvertiserService advertisers, string accountId, Shared.Directory.AdvertiserInput request, CancellationToken ct) =>
            advertisers.UpdateAsync(user, accountId, request, ct))
            .WithSummary("Changes an advertiser (managers and admins); the account id stays.");
    }
}

/// <summary>A person as other people may see them (no preferences).</summary>
public sealed record PublicPerson(string Handle, string Name, string Email, Shared.Team.PortalRole Role, string? Level,
    string? Team, RegionCode Region, string TimeZone, string? Manager)
{
    public static PublicPerson From(PersonView p) =>
        new(p.Handle, p.Name, p.Email, p.Role, p.Level, p.TeamSlug, p.Region, p.TimeZone, p.ManagerHandle);
}

/// <summary>A region as the API lists it. (A named record: the build-time request delegates cannot name an anonymous type.)</summary>
public sealed record RegionView(RegionCode Code, string Name, string TimeZone);
