using System.Text.Json;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Automation;

namespace Portal.Tests.Shared.Automation;

public sealed class ActionInputsAndTemplatesTests
{
    private static readonly ActionInput[] Inputs =
    [
        new("region", InputType.Choice, Choices: ["US", "EU", "JP"]),
        new("batch", InputType.WholeNumber, Min: 1, Max: 9999),
        new("force", InputType.Boolean, Required: false, Default: "false"),
        new("host", InputType.Text, Pattern: "[a-z0-9-]+"),
    ];

    private static Dictionary<string, JsonElement> Given(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void GoodValuesBecomeTextAndTheDefaultFillsIn()
    {
        var (values, errors) = ActionInputs.Validate(Inputs, Given("""{"region":"JP","batch":42,"host":"render-7"}"""));
        Assert.Empty(errors);
        Assert.Equal("JP", values["region"]);
        Assert.Equal("42", values["batch"]);
        Assert.Equal("false", values["force"]);
    }

    [Theory]
    [InlineData("""{"region":1,"batch":42,"host":"a"}""", "inputs.region")]        // an enum as a number
    [InlineData("""{"region":"APAC","batch":42,"host":"a"}""", "inputs.region")]
    [InlineData("""{"region":"JP","batch":"42","host":"a"}""", "inputs.batch")]    // a number as text
    [InlineData("""{"region":"JP","batch":0,"host":"a"}""", "inputs.batch")]
    [InlineData("""{"region":"JP","batch":4.5,"host":"a"}""", "inputs.batch")]
    [InlineData("""{"region":"JP","batch":null,"host":"a"}""", "inputs.batch")]    // a null is missing
    [InlineData("""{"region":"JP","batch":1,"host":"a/../b"}""", "inputs.host")]
    [InlineData("""{"region":"JP","batch":1,"host":"a\nb"}""", "inputs.host")]
    [InlineData("""{"region":"JP","batch":1,"host":"a","force":"yes"}""", "inputs.force")]
    [InlineData("""{"region":"JP","batch":1,"host":"a","colour":"red"}""", "inputs.colour")]
    public void EachBadValueIsRefusedUnderItsOwnName(string json, string field)
    {
        var (_, errors) = ActionInputs.Validate(Inputs, Given(json));
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void ABadDefinitionNamesTheInput()
    {
        ActionInput[] bad =
        [
            new("Region", InputType.Text), new("a", InputType.Choice), new("b", InputType.WholeNumber, Min: 5, Max: 1), new("c", InputType.Text, Pattern: "(["),
            new("d", (InputType)9), new("d", InputType.Text),
        ];
        Assert.Equal(["inputs[0]", "inputs[1]", "inputs[2]", "inputs[3]", "inputs[4]", "inputs[5]"], ActionInputs.DefinitionProblems(bad).Keys.Order());
        Assert.Empty(ActionInputs.DefinitionProblems(Inputs));
    }

    [Fact]
    public void AValueCanNeverAddAPathAQueryOrAHostToAUrl()
    {
        var url = ActionTemplates.Render("https://renderer.internal/{{host}}/restart?region={{region}}",
            new Dictionary<string, string> { ["host"] = "a/../admin?x=1#", ["region"] = "JP&all=1" }, TemplatePlace.Url, "url");
        Assert.Equal("https://renderer.internal/a%2F..%2Fadmin%3Fx%3D1%23/restart?region=JP%26all%3D1", url);
        Assert.Throws<ValidationException>(() => ActionTemplates.Render("{{host}}", new Dictionary<string, string> { ["host"] = "ftp" }, TemplatePlace.Url, "url"));
        Assert.Throws<ValidationException>(() => ActionTemplates.Render("file:///etc/{{host}}", new Dictionary<string, string> { ["host"] = "passwd" }, TemplatePlace.Url, "url"));
    }

    [Fact]
    public void ABodyValueStaysInsideItsStringAndAnArgumentStaysOneArgument()
    {
        var body = ActionTemplates.Render("""{"batch":"{{batch}}"}""", new Dictionary<string, string> { ["batch"] = "1\",\"all\":\"true" }, TemplatePlace.JsonBody, "body");
        Assert.Equal("1\",\"all\":\"true", JsonDocument.Parse(body).RootElement.GetProperty("batch").GetString());
        Assert.Equal("--batch=1; rm -rf /", ActionTemplates.Render("--batch={{batch}}", new Dictionary<string, string> { ["batch"] = "1; rm -rf /" }, TemplatePlace.Argument, "args"));
        var e = Assert.Throws<ValidationException>(() => ActionTemplates.Render("{{batch}}", new Dictionary<string, string> { ["batch"] = "1\n2" }, TemplatePlace.Argument, "args[0]"));
        Assert.Equal(["args[0]"], e.Errors.Keys);
    }

    [Fact]
    public void AnUnknownNameIsFoundOnSaveAndRefusedAtRun()
    {
        Assert.Equal(["regoin"], ActionTemplates.Unknown("https://x/{{regoin}}/{{ incident }}", ["region", "incident"]));
        var e = Assert.Throws<ValidationException>(() => ActionTemplates.Render("https://x/{{regoin}}", new Dictionary<string, string>(), TemplatePlace.Url, "url"));
        Assert.Contains("{{regoin}}", e.Messages, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-29T12:00:00Z", "Asia/Tokyo", 3, "Month-end close")]  // the 29th of 31: within the last three days
    [InlineData("2026-12-28T12:00:00Z", "Asia/Tokyo", 3, null)]
    [InlineData("2026-12-28T15:30:00Z", "Asia/Tokyo", 3, "Month-end close")]  // already the 29th in Tokyo
    [InlineData("2027-02-26T12:00:00Z", "Europe/Berlin", 3, "Month-end close")] // February has 28 days in 2027
    public void MonthEndCloseIsTheMonthsLastDaysInTheRegionsZone(string now, string zone, int days, string? expected)
    {
        FreezeWindow[] windows = [new("Month-end close", RegionCode.JP, LastDaysOfMonth: days, TimeZone: zone)];
        Assert.Equal(expected, FreezeWindows.Active(windows, RegionCode.JP, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Null(FreezeWindows.Active(windows, RegionCode.US, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void AFixedFreezeHoldsFromItsStartToItsEndForEveryRegionWhenNoneIsNamed()
    {
        var start = new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero);
        FreezeWindow[] windows = [new("Holiday freeze", Start: start, End: start.AddDays(14))];
        Assert.Equal("Holiday freeze", FreezeWindows.Active(windows, RegionCode.MX, start));
        Assert.Null(FreezeWindows.Active(windows, RegionCode.MX, start.AddDays(14)));
        Assert.Null(FreezeWindows.Problem(windows[0]));
        Assert.NotNull(FreezeWindows.Problem(new FreezeWindow("Backwards", Start: start, End: start.AddDays(-1))));
        Assert.NotNull(FreezeWindows.Problem(new FreezeWindow("Both", Start: start, End: start.AddDays(1), LastDaysOfMonth: 2, TimeZone: "UTC")));
        Assert.NotNull(FreezeWindows.Problem(new FreezeWindow("Nowhere", LastDaysOfMonth: 2, TimeZone: "Mars/Olympus")));
    }
}
