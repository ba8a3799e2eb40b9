using System.Globalization;
using System.Text;
using Portal.Shared.Runbooks;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Portal.Features.Runbooks;

/// <summary>A runbook as a file: YAML front matter between "---" lines, then the Markdown body.</summary>
public sealed class RunbookFile
{
    public string? Title { get; set; }
    public string? Slug { get; set; }
    public List<string>? Services { get; set; }
    public List<string>? AlertClasses { get; set; }
    public List<string>? Labels { get; set; }
    public List<string>? Tags { get; set; }
    public string? Team { get; set; }
    public int? ReviewIntervalDays { get; set; }

    /// <summary>The date of the last review, yyyy-MM-dd (UTC).</summary>
    public string? LastReviewed { get; set; }

    /// <summary>The handle of who reviewed it last.</summary>
    public string? ReviewedBy { get; set; }

    [YamlIgnore]
    public string Body { get; set; } = "";
}

/// <summary>
/// Reads and writes runbook files. Writing is canonical (one key order, block lists, "\n" line ends, one final
/// newline), so exporting what was imported gives back the same bytes.
/// </summary>
public static class RunbookFiles
{
    private const string Fence = "---";

    private static readonly IDeserializer Reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .Build();

    /// <summary>The file's front matter and body, or the reason it cannot be read.</summary>
    public static (RunbookFile? File, string? Error) Parse(string text)
    {
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!normalized.StartsWith(Fence + "\n", StringComparison.Ordinal))
        {
            return (null, "The file does not start with YAML front matter (a line \"---\").");
        }
        var end = normalized.IndexOf("\n" + Fence + "\n", Fence.Length, StringComparison.Ordinal);
        if (end < 0)
        {
            return (null, "The front matter has no closing \"---\" line.");
        }
        RunbookFile? file;
        try
        {
            file = Reader.Deserialize<RunbookFile>(normalized[(Fence.Length + 1)..(end + 1)]);
        }
        catch (YamlException ex)
        {
            return (null, $"The front matter is not valid YAML (line {ex.Start.Line}): {ex.InnerException?.Message ?? ex.Message}");
        }
        if (file is null)
        {
            return (null, "The front matter is empty.");
        }
        var body = normalized[(end + Fence.Length + 2)..];
        file.Body = body.StartsWith('\n') ? body[1..] : body;
        return (file, null);
    }

    public static string Write(RunbookFile file)
    {
        var text = new StringBuilder();
        text.Append(Fence).Append('\n');
        text.Append(Writer.Serialize(file).Replace("\r\n", "\n", StringComparison.Ordinal));
        text.Append(Fence).Append("\n\n");
        text.Append(file.Body.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n')).Append('\n');
        return text.ToString();
    }

    /// <summary>The metadata part of a runbook (everything but title and body) as YAML, stored with each revision.</summary>
    public static string Metadata(Runbook runbook, string? team) => Writer.Serialize(new RunbookFile
    {
        Services = Nullable(runbook.Services), AlertClasses = Nullable(runbook.AlertClasses), Labels = Nullable(runbook.Labels), Tags = Nullable(runbook.Tags),
        Team = team, ReviewIntervalDays = runbook.ReviewIntervalDays,
    });

    public static string? Date(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static List<string>? Nullable(List<string> list) => list.Count == 0 ? null : list;
}
