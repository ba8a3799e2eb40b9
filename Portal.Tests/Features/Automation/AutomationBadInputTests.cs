using System.Net;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>One portal for the class: each test's refusals leave nothing behind for the next.</summary>
public sealed class AutomationPortalFixture : IAsyncLifetime
{
    public AutomationHarness Harness { get; private set; } = default!;

    public async ValueTask InitializeAsync() => Harness = await AutomationHarness.StartAsync();

    public async ValueTask DisposeAsync() => await Harness.DisposeAsync();
}

/// <summary>Bad definitions and bad inputs are refused with the field named, and nothing is saved or sent.</summary>
public sealed class AutomationBadInputTests(AutomationPortalFixture fixture) : IClassFixture<AutomationPortalFixture>
{
    private readonly AutomationHarness _h = fixture.Harness;

    private async Task<(HttpStatusCode Status, string Text)> SaveAsync(object definition)
    {
        using var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle);
        var response = await manager.PutJsonAsync("/api/automation/actions/bad-action", definition);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? "" : await response.ProblemTextAsync());
    }

    private static object Http(string url, string? body = null, object? risk = null, string kind = "Http", object? script = null) => new
    {
        name = "Bad", kind, risk = risk ?? "Low", services = new[] { "invoicing" },
        inputs = new object[] { new { name = "region", type = "Text" } },
        http = kind == "Http" ? new { method = "POST", url, body } : null, script,
        verify = new { kind = "None" }, timeoutSeconds = 5,
    };

    [Theory]
    [InlineData("{{region}}/restart", null, "is not an absolute http or https URL")]
    [InlineData("https://billing.example/{{regoin}}", null, "Unknown {{regoin}}")]
    [InlineData("https://billing.example/restart", "{\"region\": {{region}}}", "The body is not JSON")]
    [InlineData("http://169.254.169.254/latest/meta-data", null, "link-local")]
    [InlineData("file:///etc/passwd", null, "is not an absolute http or https URL")]
    public async Task ADefinitionThatCannotBeSentSafelyIsRefusedByField(string url, string? body, string problem)
    {
        var (status, text) = await SaveAsync(Http(url, body));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem, text, StringComparison.Ordinal);
        await using var db = await _h.Portal.Db.CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(db.AutomationActions, a => a.Slug == "bad-action");
    }

    [Fact]
    public async Task AScriptMayNameOnlyAnAllowedCommandAndARiskIsNeverANumber()
    {
        var (status, text) = await SaveAsync(Http("", kind: "Script", script: new { command = "/bin/sh", arguments = new[] { "-c", "reboot" } }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'/bin/sh' is not an allowed command; allowed: /bin/echo", text, StringComparison.Ordinal);

        (status, _) = await SaveAsync(Http("https://billing.example/restart", risk: 2));
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task AnInputOutsideItsTypeIsRefusedByNameAndNothingRuns()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart());
        foreach (var (inputs, problem) in new (object, string)[]
        {
            (new { region = "XX" }, "'region' is one of US, EU, JP, MX, AU"),
            (new { region = 2 }, "'region' is one of"),
            (new { region = "EU", force = true }, "The action has no input 'force'"),
        })
        {
            using var client = await _h.Portal.SignedInClientAsync(AutomationHarness.Engineer.Handle);
            var response = await client.PostJsonAsync("/api/automation/runs", new { action = "restart-renderer", dryRun = false, inputs });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(problem, await response.ProblemTextAsync(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(await _h.RunsAsync(), r => r.ActionSlug == "restart-renderer");
    }

    [Fact]
    public async Task AHostMadeFromAnInputIsCheckedWhenTheRunConnects()
    {
        await _h.SaveAsync("call-host", new
        {
            name = "Call a host", kind = "Http", risk = "Low", services = new[] { "invoicing" },
            inputs = new object[] { new { name = "host", type = "Text" } },
            http = new { method = "GET", url = "http://{{host}}/latest/meta-data" }, verify = new { kind = "None" }, timeoutSeconds = 5,
        });
        var (status, run) = await _h.RequestAsync(AutomationHarness.Engineer.Handle, new { action = "call-host", dryRun = false, inputs = new { host = "169.254.169.254" } });
        Assert.Equal(HttpStatusCode.OK, status);
        await _h.ProcessAsync();
        var failed = Assert.Single(await _h.RunsAsync(), r => r.ActionSlug == "call-host");
        Assert.Equal(Portal.Shared.Automation.RunState.Failed, failed.State);
        Assert.Contains("link-local", failed.Output, StringComparison.Ordinal);
        Assert.Equal(run.GetProperty("id").GetInt64(), failed.Id);
    }
}
