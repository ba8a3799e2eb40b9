using Ganss.Xss;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Portal.Infrastructure.Web;

/// <summary>
/// Turns user Markdown (comments, descriptions, runbooks) into safe HTML: Markdig with raw HTML disabled, then
/// HtmlSanitizer, so nothing a person writes can become live markup or script.
/// </summary>
public sealed class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .Build();

    /// <summary>Runbooks also get heading anchors, for their table of contents.</summary>
    private readonly MarkdownPipeline _documents = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UsePipeTables()
        .UseTaskLists()
        .UseEmphasisExtras()
        .UseAutoIdentifiers()
        .Build();

    /// <summary>Anchors get a prefix, so a heading called "location" or "forms" can never shadow a browser global (DOM clobbering).</summary>
    public const string AnchorPrefix = "h-";

    /// <summary>Deeper nesting than this (lists in quotes in lists…) is shown as plain text: no real runbook needs it, and parsers pay for it.</summary>
    public const int MaxNesting = 32;

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string ToSafeHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return "";
        }
        var html = Markdown.ToHtml(markdown, _pipeline);
        lock (_sanitizer)
        {
            return _sanitizer.Sanitize(html);
        }
    }

    /// <summary>A whole document (a runbook) as safe HTML, with its headings (level, text, anchor) for a table of contents.</summary>
    public (string Html, List<(int Level, string Text, string Anchor)> Headings) ToSafeDocument(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return ("", []);
        }
        if (TooDeep(markdown))
        {
            return ($"<pre>{System.Net.WebUtility.HtmlEncode(markdown)}</pre>", []);
        }
        var document = Markdown.Parse(markdown, _documents);
        var headings = document.Descendants<HeadingBlock>()
            .Where(h => h.Level <= 3 && h.GetAttributes().Id is { Length: > 0 })
            .Select(h => (h.Level, Text: Plain(h), Anchor: AnchorPrefix + h.GetAttributes().Id))
            .ToList();
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        _documents.Setup(renderer);
        renderer.Render(document);
        lock (_sanitizer)
        {
            return (_sanitizer.Sanitize(writer.ToString()), headings);
        }
    }

    private static string Plain(HeadingBlock heading) =>
        string.Concat(heading.Inline?.Descendants<Markdig.Syntax.Inlines.LiteralInline>().Select(l => l.Content.ToString()) ?? []);

    private static bool TooDeep(string markdown)
    {
        foreach (var line in markdown.AsSpan().EnumerateLines())
        {
            var depth = 0;
            var indent = 0;
            foreach (var c in line)
            {
                if (c == '>')
                {
                    depth++;
                }
                else if (c == ' ')
                {
                    indent++;
                }
                else if (c == '\t')
                {
                    indent += 4;
                }
                else if (c is not ('-' or '*' or '+'))
                {
                    break;
                }
                else
                {
                    depth++;
                }
            }
            if (depth + (indent / 2) > MaxNesting)
            {
                return true;
            }
        }
        return false;
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.UnionWith(["https", "http", "mailto"]);
        // Links open outside the portal and do not hand it the opener.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement element && element.Id is { Length: > 0 } id && !id.StartsWith(AnchorPrefix, StringComparison.Ordinal))
            {
                element.Id = AnchorPrefix + id;
            }
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link && !(link.GetAttribute("href") ?? "").StartsWith('#'))
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
                link.SetAttribute("target", "_blank");
            }
            // A task list's box gets its item's words as its name, for screen readers (WCAG 4.1.2).
            if (e.Node is AngleSharp.Dom.IElement { TagName: "INPUT" } box && box.GetAttribute("type") == "checkbox" && box.ParentElement is { } item)
            {
                var state = box.HasAttribute("checked") ? "Done" : "To do";
                box.SetAttribute("aria-label", $"{state}: {item.TextContent.Trim()}");
            }
        };
        return sanitizer;
    }
}
