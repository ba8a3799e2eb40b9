using System.Net;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>Actions as files beside the runbooks: exported canonically, imported back unchanged, a change a new version, a bad file refused by name.</summary>
public sealed class ActionFilesTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-actions-").FullName;
    private AutomationHarness _h = default!;

    public async ValueTask InitializeAsync() =>
        _h = await AutomationHarness.StartAsync(settings: new Dictionary<string, string?> { ["Runbooks:SyncFolder"] = _folder });

    public async ValueTask DisposeAsync()
    {
        await _h.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportedActionsImportUnchangedAndAnEditedFileBecomesAnUnpromotedVersion()
    {
        await _h.SaveAsync("restart-renderer", _h.Restart());
        using var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle);
        Assert.Equal(1, (await (await admin.PostJsonAsync("/api/automation/actions/export", new { })).JsonAsync()).GetProperty("exported").GetInt32());
        var file = Path.Combine(_folder, "actions", "restart-renderer.json");
        var text = await File.ReadAllTextAsync(file, Ct);
        Assert.Contains("\"kind\": \"Http\"", text, StringComparison.Ordinal);

        var again = await (await admin.PostJsonAsync("/api/automation/actions/import", new { })).JsonAsync();
        Assert.Equal("Unchanged", again.GetProperty("files")[0].GetProperty("outcome").GetString());

        await File.WriteAllTextAsync(file, text.Replace("\"timeoutSeconds\": 5", "\"timeoutSeconds\": 9", StringComparison.Ordinal), Ct);
        await File.WriteAllTextAsync(Path.Combine(_folder, "actions", "broken.json"), "{ \"name\": \"Broken\", \"kind\": 1 }", Ct);
        var report = (await (await admin.PostJsonAsync("/api/automation/actions/import", new { })).JsonAsync()).GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("file").GetString()!, f => (f.GetProperty("outcome").GetString(), f.TryGetProperty("reason", out var r) ? r.GetString() : null));
        Assert.Equal("Invalid", report["broken.json"].Item1);
        Assert.Equal("Updated", report["restart-renderer.json"].Item1);
        var detail = await (await admin.GetAsync(HttpExtensions.Url("/api/automation/actions/restart-renderer"), Ct)).JsonAsync();
        Assert.Equal((2, 1), (detail.GetProperty("action").GetProperty("latestVersion").GetInt32(), detail.GetProperty("action").GetProperty("promotedVersion").GetInt32()));

        using var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostJsonAsync("/api/automation/actions/import", new { })).StatusCode);
    }
}
