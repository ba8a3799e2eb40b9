using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;


namespace Portal.Tests.Features.OnCall;

/// <summary>Outbound channels against a webhook receiver and an SMTP server started by the test, on loopback.</summary>
public sealed class NotificationChannelTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson Engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);

    private readonly WebhookListener _hook = new();
    private readonly SmtpListener _smtp = new();
    private readonly PortalFactory _portal;

    public NotificationChannelTests()
    {
        _portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Notifications:FirstRetryDelay"] = "00:00:00.050",
            // On the portal's fake clock, which SettledAsync runs at about five times real time: a healthy receiver
            // gets a second or more of real time to answer even on a busy machine (at 0.5 s one was seen to time out).
            ["Notifications:AttemptTimeout"] = "00:00:05",
            ["Notifications:PublicUrl"] = "https://portal.example.com",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Smtp:From"] = "Portal <portal@example.com>",
        });
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _hook.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private async Task AddChannelAsync(HttpClient client, string kind, string target, string? team = null)
    {
        var response = await client.PostJsonAsync("/api/notifications/channels", new { kind, name = $"{kind} channel", target, team });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Pages <see cref="Engineer"/> for a new SEV1 on invoicing through a one-level policy.</summary>
    private async Task<long> PageAsync()
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var policy = await manager.PostJsonAsync("/api/escalation-policies", new
        {
            name = "Invoicing", repeat = 0, services = new[] { "invoicing" },
            levels = new[] { new { delayMinutes = 15, targets = new[] { new { kind = "Person", @ref = Engineer.Handle } } } },
        });
        Assert.Equal(HttpStatusCode.Created, policy.StatusCode);
        var created = await (await manager.PostJsonAsync("/api/incidents", new { title = "Invoice run <stuck> & late", severity = "SEV1", service = "invoicing" })).JsonAsync();
        return created.GetProperty("number").GetInt64();
    }

    /// <summary>Lets the portal's clock run (retries back off on it) until every delivery has ended.</summary>
    private async Task<List<Delivery>> SettledAsync(int expected)
    {
        for (var i = 0; i < 600; i++)
        {
            await using var db = await _portal.Db.CreateDbContextAsync(Ct);
            var rows = await db.Deliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Ct);
            if (rows.Count == expected && rows.All(d => d.State != DeliveryState.Pending))
            {
                return rows;
            }
            _portal.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20, Ct);
        }
        Assert.Fail("the deliveries did not settle");
        return [];
    }

    [Fact]
    public async Task EachKindOfChannelGetsItsOwnPayload()
    {
        using (var engineer = await _portal.SignedInClientAsync(Engineer.Handle))
        {
            await AddChannelAsync(engineer, "Webhook", _hook.Url("/generic"));
            await AddChannelAsync(engineer, "Slack", _hook.Url("/slack"));
            await AddChannelAsync(engineer, "Teams", _hook.Url("/teams"));
            await AddChannelAsync(engineer, "Email", "oncall.eu@example.com");
        }
        var number = await PageAsync();
        var deliveries = await SettledAsync(4);
        Assert.All(deliveries, d => Assert.Equal(DeliveryState.Delivered, d.State));
        Assert.All(deliveries, d => Assert.Equal(1, d.Attempts));

        var bodies = _hook.Requests.ToDictionary(r => r.Path, r => JsonDocument.Parse(r.Body).RootElement);
        var generic = bodies["/generic"];
        Assert.Equal($"INC-{number}", generic.GetProperty("incident").GetString());
        Assert.Equal($"INC-{number} SEV1: Invoice run <stuck> & late", generic.GetProperty("title").GetString());
        Assert.Equal($"https://portal.example.com/incidents/INC-{number}", generic.GetProperty("link").GetString());

        var slack = bodies["/slack"].GetProperty("text").GetString()!;
        Assert.StartsWith($"*INC-{number} SEV1: Invoice run &lt;stuck&gt; &amp; late*", slack, StringComparison.Ordinal);
        Assert.EndsWith($"<https://portal.example.com/incidents/INC-{number}|Open in Portal>", slack, StringComparison.Ordinal);

        var teams = bodies["/teams"];
        Assert.Equal("message", teams.GetProperty("type").GetString());
        var card = teams.GetProperty("attachments")[0];
        Assert.Equal("application/vnd.microsoft.card.adaptive", card.GetProperty("contentType").GetString());
        Assert.Equal("AdaptiveCard", card.GetProperty("content").GetProperty("type").GetString());
        Assert.Equal($"INC-{number} SEV1: Invoice run <stuck> & late", card.GetProperty("content").GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal("Action.OpenUrl", card.GetProperty("content").GetProperty("actions")[0].GetProperty("type").GetString());

        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("<portal@example.com>", mail.From);
        Assert.Equal(["<oncall.eu@example.com>"], mail.To);
        Assert.Contains($"Subject: INC-{number} SEV1: Invoice run <stuck> & late", mail.Data, StringComparison.Ordinal);
        Assert.Contains($"Open in Portal: https://portal.example.com/incidents/INC-{number}", mail.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReceiverThatFailsTwiceIsRetriedUntilItAnswers()
    {
        _hook.Answer = n => (n <= 2 ? 503 : 200, TimeSpan.Zero);
        using (var engineer = await _portal.SignedInClientAsync(Engineer.Handle))
        {
            await AddChannelAsync(engineer, "Webhook", _hook.Url());
        }
        await PageAsync();
        var delivery = Assert.Single(await SettledAsync(1));
        Assert.Equal(DeliveryState.Delivered, delivery.State);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(3, _hook.Requests.Count);
    }

    [Fact]
    public async Task AReceiverThatNeverAnswersInTimeIsMarkedFailedAndOthersStillDeliver()
    {
        _hook.Answer = _ => (200, TimeSpan.FromSeconds(30));
        await using var healthy = new WebhookListener();
        using (var engineer = await _portal.SignedInClientAsync(Engineer.Handle))
        {
            await AddChannelAsync(engineer, "Slack", _hook.Url());
            await AddChannelAsync(engineer, "Webhook", healthy.Url());
        }
        await PageAsync();
        var deliveries = await SettledAsync(2);
        var slow = deliveries.Single(d => d.State == DeliveryState.Failed);
        Assert.Equal(4, slow.Attempts);
        Assert.Equal("Timed out.", slow.LastError);
        Assert.Single(deliveries, d => d.State == DeliveryState.Delivered);
        Assert.Single(healthy.Requests);
    }

    [Fact]
    public async Task AnEmailWithNoServerToTakeItIsRetriedAndFailed()
    {
        await _smtp.DisposeAsync();
        using (var engineer = await _portal.SignedInClientAsync(Engineer.Handle))
        {
            await AddChannelAsync(engineer, "Email", "me@example.com");
        }
        await PageAsync();
        var delivery = Assert.Single(await SettledAsync(1));
        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.Equal(4, delivery.Attempts);
        Assert.Contains("refused", delivery.LastError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TeamChannelsHearOfPagesToTheTeamAndOnlyManagersAddThem()
    {
        var team = DemoWorld.TeamSlug(RegionCode.EU);
        using (var engineer = await _portal.SignedInClientAsync(Engineer.Handle))
        {
            var refused = await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Slack", name = "EU room", target = _hook.Url(), team });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var bad = await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Webhook", name = "x", target = "ftp://example.com/hook" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("is not an http or https URL", await bad.ProblemTextAsync(), StringComparison.Ordinal);
            var badMail = await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Email", name = "x", target = "not-an-address" });
            Assert.Contains("is not an email address", await badMail.ProblemTextAsync(), StringComparison.Ordinal);
        }
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        await AddChannelAsync(manager, "Slack", _hook.Url("/eu-room"), team);
        var listed = await (await manager.GetAsync(Url("/api/notifications/channels"), Ct)).JsonAsync();
        var room = Assert.Single(listed.EnumerateArray());
        Assert.Equal(team, room.GetProperty("team").GetString());
        Assert.Equal($"http://127.0.0.1:{new Uri(_hook.Url()).Port}/…", room.GetProperty("targetHint").GetString());

        var policy = await manager.PostJsonAsync("/api/escalation-policies", new
        {
            name = "EU team", repeat = 0, services = new[] { "invoicing" },
            levels = new[] { new { delayMinutes = 15, targets = new[] { new { kind = "Team", @ref = team } } } },
        });
        Assert.Equal(HttpStatusCode.Created, policy.StatusCode);
        await manager.PostJsonAsync("/api/incidents", new { title = "Ledger drift", severity = "SEV2", service = "invoicing" });
        var delivery = Assert.Single(await SettledAsync(1));
        Assert.Equal(DeliveryState.Delivered, delivery.State);
        Assert.Equal("/eu-room", Assert.Single(_hook.Requests).Path);
    }
}
