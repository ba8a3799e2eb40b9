using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Hardening;

/// <summary>Input that used to be stored and break later reads: enums as numbers, nulls in lists, stored values out of range.</summary>
public sealed class PoisonedInputTests
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuEngineer = World.People.First(p => p.Region == Portal.Shared.Admin.RegionCode.EU && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("99")]
    [InlineData("2")]
    [InlineData("\"99\"")]
    [InlineData("\"SEV2,SEV3\"")]
    [InlineData("\"SEV9\"")]
    public async Task AnIncidentWithASeverityThatIsNotANameIsRefusedAndNotStored(string severity)
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync(EuEngineer.Handle);
        var response = await PostRawAsync(client, "/api/incidents", $$"""{"title":"Invoices stuck","service":"invoicing","severity":{{severity}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("severity", out _));
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.Incidents.AnyAsync(i => i.Title == "Invoices stuck", Ct));
    }

    [Fact]
    public async Task ANameInAnyCaseIsStillAccepted()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync(EuEngineer.Handle);
        var response = await PostRawAsync(client, "/api/incidents", """{"title":"Invoices stuck","service":"invoicing","severity":"sev2"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("SEV2", (await response.JsonAsync()).GetProperty("severity").GetString());
    }

    [Fact]
    public async Task NullsInListsAreNamedByTheirPlace()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync(EuEngineer.Handle);
        var response = await PostRawAsync(client, "/api/incidents", """{"title":"Invoices stuck","service":"invoicing","tags":["pdf",null]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Contains("null", errors.GetProperty("tags[1]")[0].GetString(), StringComparison.Ordinal);
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task ASingleLineFieldRefusesControlCharactersAndAMultiLineFieldKeepsItsLines()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync(EuEngineer.Handle);
        var refused = await PostRawAsync(client, "/api/incidents", """{"title":"Invoices\nstuck","service":"invoicing"}""");
        var accepted = await PostRawAsync(client, "/api/incidents", """{"title":"Invoices stuck","service":"invoicing","description":"Line one\nLine two"}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.JsonAsync()).GetProperty("errors").TryGetProperty("title", out _));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task AStoredSeverityThatIsNotDefinedReadsBackAsUnknownOnTheApiAndThePage()
    {
        await using var portal = new PortalFactory();
        using var client = await portal.SignedInClientAsync(EuEngineer.Handle);
        var created = await (await PostRawAsync(client, "/api/incidents", """{"title":"Invoices stuck","service":"invoicing","severity":"SEV3"}""")).JsonAsync();
        var number = created.GetProperty("number").GetInt64();
        await using (var db = await portal.Db.CreateDbContextAsync(Ct))
        {
            var incident = await db.Incidents.SingleAsync(i => i.Number == number, Ct);
            incident.Severity = (Severity)99;
            incident.Status = (IncidentStatus)42;
            await db.SaveChangesAsync(Ct);
        }

        var detail = await client.GetAsync(Url($"/api/incidents/INC-{number}"), Ct);
        var list = await client.GetAsync(Url("/api/incidents?status=all"), Ct);
        var page = await client.GetAsync(Url($"/incidents/INC-{number}"), Ct);

        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        Assert.Equal("unknown", (await detail.JsonAsync()).GetProperty("severity").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("unknown", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        portal.Log.AssertClean();
    }

    [Theory]
    [InlineData("{\"title\": ", "title")]
    [InlineData("{\"title\":\"x\",\"advertisersAffected\":\"many\"}", "advertisersAffected")]
    public async Task InProductionABodyThatCannotBeReadIsProblemJsonNamingTheField(string body, string field)
    {
        const string token = "production-binding-token-0123456789";
        await using var portal = new PortalFactory("Production", new Dictionary<string, string?>
        {
            ["Auth:Mode"] = "Demo", ["Demo:Seed"] = "true",
            ["Provisioning:ApiTokens:0:Name"] = "binding", ["Provisioning:ApiTokens:0:Token"] = token, ["Provisioning:ApiTokens:0:User"] = EuEngineer.Email,
        });
        using var client = portal.AnonymousClient();
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Url("/api/incidents"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        }.WithBearer(token), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
        portal.Log.AssertClean();
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string json) =>
        client.PostAsync(Url(path), new StringContent(json, Encoding.UTF8, "application/json"), Ct);
}
