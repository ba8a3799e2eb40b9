using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Features.Runbooks;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

/// <summary>
/// Actions as code, beside the runbooks in their git folder (<c>Runbooks:SyncFolder</c>/actions, one
/// <c>&lt;slug&gt;.json</c> each): export writes each action's newest version canonically; import saves a file that
/// differs as a new version (dry-run only until an admin promotes it), leaves an unchanged one alone, and reports a bad
/// one with its reason without saving it. Admins only.
/// </summary>
public sealed class ActionFiles(ActionCatalogService catalog, RunbookOptions runbooks, AuditWriter audit)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Converters = { new JsonStringEnumConverter(allowIntegerValues: false) }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private string Folder => Path.Combine(runbooks.SyncFolder ?? throw new ConflictException("No folder is configured (Runbooks:SyncFolder)."), "actions");

    public async Task<int> ExportAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "action files", "Only admins export actions.", cancellationToken);
        System.IO.Directory.CreateDirectory(Folder);
        var actions = await catalog.ListAsync(cancellationToken);
        foreach (var action in actions)
        {
            var detail = await catalog.GetAsync(action.Slug, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(Folder, action.Slug + ".json"), Write(detail.Versions[0].Definition), cancellationToken);
        }
        return actions.Count;
    }

    public async Task<ImportReport> ImportAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "action files", "Only admins import actions.", cancellationToken);
        if (!System.IO.Directory.Exists(Folder))
        {
            throw new ConflictException($"The action folder \"{Folder}\" does not exist.");
        }
        var lines = new List<ImportLine>();
        foreach (var path in System.IO.Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var slug = Path.GetFileNameWithoutExtension(path);
            try
            {
                var definition = JsonSerializer.Deserialize<ActionDefinition>(await File.ReadAllTextAsync(path, cancellationToken), Json)
                    ?? throw new ValidationException("file", "The file is empty.");
                var existing = (await catalog.ListAsync(cancellationToken)).Any(a => a.Slug == slug) ? await catalog.GetAsync(slug, cancellationToken) : null;
                if (existing is not null && Write(existing.Versions[0].Definition) == Write(definition))
                {
                    lines.Add(new ImportLine(name, ImportOutcome.Unchanged, slug));
                    continue;
                }
                await catalog.SaveAsync(user, slug, definition, cancellationToken);
                lines.Add(new ImportLine(name, existing is null ? ImportOutcome.Created : ImportOutcome.Updated, slug));
            }
            catch (Exception e) when (e is JsonException or ValidationException)
            {
                lines.Add(new ImportLine(name, ImportOutcome.Invalid, slug, e is ValidationException v ? v.Messages : e.Message));
            }
        }
        return new ImportReport(lines);
    }

    private static string Write(ActionDefinition definition) => JsonSerializer.Serialize(definition, Json) + "\n";
}
