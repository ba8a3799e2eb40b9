using Portal.Shared.Alerts;

namespace Portal.Tests.Shared.Alerts;

public class EventsV2Tests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private static IReadOnlyList<string> Errors(string json) => EventsV2.Read(Fixture.Utf8(json)).Errors;

    [Fact]
    public void TheTriggerFixtureReadsWithEveryField()
    {
        var reading = EventsV2.Read(Fixture.Bytes("pagerduty-events-v2-trigger.json"));

        Assert.Empty(reading.Errors);
        var e = reading.Event!;
        Assert.Equal((Key, AlertAction.Trigger, "payments-gateway-timeouts-jp"), (e.RoutingKey, e.Action, e.DedupKey));
        Assert.Equal("Payment gateway timeouts above 5% in JP", e.Summary);
        Assert.Equal(("payments-gw-jp-3.example.com", "critical"), (e.Source, e.Severity));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 1, 4, 12, 511, TimeSpan.Zero), e.Timestamp);
        Assert.Equal(("payments-gateway", "payments", "timeout rate"), (e.Component, e.Group, e.Class));
        Assert.Contains("\"affected_advertisers\": 412", e.CustomDetails, StringComparison.Ordinal);
        Assert.Equal([new AlertLink("https://dashboards.example.com/payments/jp", "Payments JP dashboard")], e.Links);
        Assert.Equal(("CloudWatch Synthetics", "https://monitoring.example.com/canaries/payments-jp"), (e.Client, e.ClientUrl));
    }

    [Theory]
    [InlineData("pagerduty-events-v2-acknowledge.json", AlertAction.Acknowledge)]
    [InlineData("pagerduty-events-v2-resolve.json", AlertAction.Resolve)]
    public void FollowUpEventsNeedNoPayload(string file, AlertAction action)
    {
        var reading = EventsV2.Read(Fixture.Bytes(file));

        Assert.Empty(reading.Errors);
        Assert.Equal((action, "payments-gateway-timeouts-jp"), (reading.Event!.Action, reading.Event.DedupKey));
    }

    [Fact]
    public void ATriggerWithoutDedupKeyIsFineAndGetsOneLater()
    {
        var reading = EventsV2.Read(Fixture.Utf8($$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"info"} }"""));

        Assert.Empty(reading.Errors);
        Assert.Null(reading.Event!.DedupKey);
        Assert.Matches("^[0-9a-f]{32}$", EventsV2.NewDedupKey());
    }

    [Fact]
    public void AnEmptyObjectNamesEveryMissingField() =>
        Assert.Equal(["'routing_key' is missing or blank", "'event_action' is missing or blank"], Errors("{}"));

    [Fact]
    public void ATriggerWithoutPayloadSaysSo() =>
        Assert.Equal(["'payload' is missing or blank"], Errors($$"""{"routing_key":"{{Key}}","event_action":"trigger"}"""));

    [Fact]
    public void EveryBadFieldIsNamedAtOnce()
    {
        var errors = Errors($$"""
            {"routing_key":"short","event_action":"explode","dedup_key":"{{new string('d', 256)}}",
             "payload":{"summary":"{{new string('s', 1025)}}","source":"","severity":"fatal","timestamp":"yesterday"},
             "links":[{"text":"no href"}]}
            """);

        Assert.Equal(
        [
            "Length of 'routing_key' is incorrect (should be 32 characters)",
            "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
            "Length of 'dedup_key' is too long (must be at most 255 characters)",
            "'payload.timestamp' is invalid (use ISO 8601, like 2026-11-20T09:14:00Z)",
            "Length of 'payload.summary' is too long (must be at most 1024 characters)",
            "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
            "'links[0].href' is missing or not an absolute URL",
        ], errors);
    }

    [Fact]
    public void ATriggerMissingPayloadFieldsNamesEach() =>
        Assert.Equal(["'payload.summary' is missing or blank", "'payload.source' is missing or blank", "'payload.severity' is missing or blank"],
            Errors($$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{} }"""));

    [Theory]
    [InlineData("acknowledge")]
    [InlineData("resolve")]
    public void FollowUpsMustNameTheirAlert(string action) =>
        Assert.Equal(["'dedup_key' is missing or blank (acknowledge and resolve name the alert they are for)"],
            Errors($$"""{"routing_key":"{{Key}}","event_action":"{{action}}"}"""));

    [Fact]
    public void FieldsOfTheWrongTypeAreNamed() =>
        Assert.Equal(["'routing_key' must be a string", "'routing_key' is missing or blank", "'event_action' must be a string", "'event_action' is missing or blank"],
            Errors("""{"routing_key":42,"event_action":true}"""));

    [Theory]
    [InlineData("not json at all", "The body is not valid JSON")]
    [InlineData("[1,2,3]", "The event must be a JSON object.")]
    [InlineData("", "The body is not valid JSON")]
    public void BodiesThatAreNoEventAreRefusedWithTheReason(string body, string reason) =>
        Assert.StartsWith(reason, Assert.Single(Errors(body)), StringComparison.Ordinal);

    [Fact]
    public void DeepNestingIsRefusedWithoutThrowing()
    {
        var bomb = $$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{"summary":"s","source":"x","severity":"info","custom_details":{{new string('[', 5000)}}{{new string(']', 5000)}} } }""";

        Assert.StartsWith("The body is not valid JSON", Assert.Single(Errors(bomb)), StringComparison.Ordinal);
    }

    [Fact]
    public void AnOversizeBodyIsRefusedBeforeParsing()
    {
        var body = new byte[EventsV2.MaxBodyBytes + 1];

        Assert.Equal("The event is 524289 bytes; at most 524288 (512 KB).", Assert.Single(EventsV2.Read(body).Errors));
    }

    [Fact]
    public void UnicodeAndHtmlInSummariesAreKeptAsGiven()
    {
        var summary = "請求書 <script>alert(1)</script> & “quotes”";
        var reading = EventsV2.Read(Fixture.Utf8($$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{"summary":{{System.Text.Json.JsonSerializer.Serialize(summary)}},"source":"x","severity":"warning"} }"""));

        Assert.Equal(summary, reading.Event!.Summary);
    }

    [Theory]
    [InlineData("2026-11-20T01:04:12.511+0000", "2026-11-20T01:04:12.5110000+00:00")]
    [InlineData("2026-11-20T10:04:12+09:00", "2026-11-20T01:04:12.0000000+00:00")]
    [InlineData("2026-11-20T01:04:12Z", "2026-11-20T01:04:12.0000000+00:00")]
    public void TimestampsInIso8601Parse(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), EventsV2.ParseTimestamp(text));

    [Theory]
    [InlineData("20/11/2026")]
    [InlineData("2026-11-20")]
    [InlineData("soon")]
    public void OtherTimestampsDoNot(string text) => Assert.Null(EventsV2.ParseTimestamp(text));
}
