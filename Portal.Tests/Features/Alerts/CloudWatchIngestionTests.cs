using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Alerts;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Tests.Shared.Alerts;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Alerts;

/// <summary>
/// CloudWatch alarms through SNS at <c>/api/integrations/cloudwatch/{key}</c>. SNS itself is a stand-in HTTP handler
/// that serves a certificate this test generates (the fixtures' signatures are placeholders) and records confirmations.
/// </summary>
public sealed class CloudWatchIngestionTests : IDisposable
{
    private const string Key = "cccccccccccccccccccccccccccccccc";
    private const string UncheckedKey = "dddddddddddddddddddddddddddddddd";
    private const string CertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem";
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly FakeSns _sns;

    public CloudWatchIngestionTests()
    {
        _certificate = new CertificateRequest("CN=sns.amazonaws.com", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        _sns = new FakeSns(_certificate.ExportCertificatePem());
    }

    private PortalFactory Portal() => new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:Integrations:0:Name"] = "CloudWatch billing",
        ["Provisioning:Integrations:0:Kind"] = "cloudwatch",
        ["Provisioning:Integrations:0:Key"] = Key,
        ["Provisioning:Integrations:0:Service"] = "payments",
        ["Provisioning:Integrations:1:Name"] = "CloudWatch lab",
        ["Provisioning:Integrations:1:Kind"] = "cloudwatch",
        ["Provisioning:Integrations:1:Key"] = UncheckedKey,
        ["Provisioning:Integrations:1:VerifySignatures"] = "false",
    }, services: s => s.AddHttpClient(SnsGateway.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => _sns));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The fixture, signed with this test's certificate (as SNS signs, version 1).</summary>
    private byte[] Signed(string fixture, Action<JsonNode>? change = null)
    {
        var json = JsonNode.Parse(Fixture.Text(fixture))!;
        change?.Invoke(json);
        if (CloudWatchSns.Read(Encoding.UTF8.GetBytes(json.ToJsonString())).Message is not { } message)
        {
            return Encoding.UTF8.GetBytes(json.ToJsonString());
        }
        json["Signature"] = Convert.ToBase64String(_key.SignData(Encoding.UTF8.GetBytes(CloudWatchSns.StringToSign(message)), HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1));
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key, byte[] body)
    {
        // SNS posts its JSON as text/plain.
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        return await client.PostAsync(Url($"/api/integrations/cloudwatch/{key}"), content, Ct);
    }

    [Fact]
    public async Task ASignedAlarmOpensAnIncidentAndTheOkResolvesIt()
    {
        await using var portal = Portal();
        using var client = portal.AnonymousClient();

        var alarm = await PostAsync(client, Key, Signed("cloudwatch-sns-alarm.json"));

        Assert.Equal(HttpStatusCode.OK, alarm.StatusCode);
        await using (var db = await portal.Db.CreateDbContextAsync(Ct))
        {
            var incident = await db.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct);
            Assert.Equal("PaymentsSettlementLag-High: Settlement batch lag above 15 minutes", incident.Title);
            Assert.Contains("Threshold Crossed", incident.Description, StringComparison.Ordinal);
            Assert.Equal("arn:aws:cloudwatch:us-east-1:123456789012:alarm:PaymentsSettlementLag-High", (await db.Alerts.SingleAsync(Ct)).DedupKey);
        }

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Key, Signed("cloudwatch-sns-ok.json"))).StatusCode);
        await using var after = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(IncidentStatus.Resolved, (await after.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct)).Status);
        Assert.Equal(1, _sns.CertificateFetches);
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task ASubscriptionIsConfirmedByFetchingItsSubscribeUrl()
    {
        await using var portal = Portal();
        using var client = portal.AnonymousClient();

        var response = await PostAsync(client, Key, Signed("cloudwatch-sns-subscription-confirmation.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var confirmed = Assert.Single(_sns.Confirmations);
        Assert.Equal("sns.us-east-1.amazonaws.com", confirmed.Host);
        Assert.Contains("Action=ConfirmSubscription", confirmed.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATamperedOrUnsignedMessageIsRefusedAndWritesNothing()
    {
        await using var portal = Portal();
        using var client = portal.AnonymousClient();
        var tampered = Encoding.UTF8.GetString(Signed("cloudwatch-sns-alarm.json")).Replace("PaymentsSettlementLag-High", "SomethingElse", StringComparison.Ordinal);

        var forged = await PostAsync(client, Key, Encoding.UTF8.GetBytes(tampered));
        var placeholder = await PostAsync(client, Key, Fixture.Bytes("cloudwatch-sns-alarm.json"));
        var offSns = await PostAsync(client, Key, Signed("cloudwatch-sns-alarm.json", j => j["SigningCertURL"] = "https://evil.example/cert.pem"));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, placeholder.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, offSns.StatusCode);
        Assert.Empty(_sns.Confirmations);
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.Alerts.CountAsync(Ct));
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnIntegrationWithChecksOffTakesUnsignedMessages()
    {
        await using var portal = Portal();
        using var client = portal.AnonymousClient();

        var response = await PostAsync(client, UncheckedKey, Fixture.Bytes("cloudwatch-sns-alarm.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, _sns.CertificateFetches);
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Alerts.CountAsync(Ct));
    }

    [Fact]
    public async Task AnUnknownKeyIs404()
    {
        await using var portal = Portal();
        using var client = portal.AnonymousClient();

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(client, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", Fixture.Bytes("cloudwatch-sns-alarm.json"))).StatusCode);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        _sns.Dispose();
    }

    /// <summary>SNS as the portal sees it: the signing certificate at its URL, and confirmation URLs.</summary>
    private sealed class FakeSns(string certificatePem) : HttpMessageHandler
    {
        public int CertificateFetches { get; private set; }
        public List<Uri> Confirmations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!;
            if (url.AbsoluteUri == CertUrl)
            {
                CertificateFetches++;
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(certificatePem) });
            }
            if (url.Query.Contains("Action=ConfirmSubscription", StringComparison.Ordinal))
            {
                Confirmations.Add(url);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<ConfirmSubscriptionResponse/>") });
            }
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }
    }
}
