using AngleSharp.Html.Parser;
using Portal.Infrastructure.Web;

namespace Portal.Tests.Infrastructure;

/// <summary>Runbooks are user content: a corpus of known XSS payloads, rendered as a runbook, must come out inert.</summary>
public class RunbookSanitisationTests
{
    private static readonly MarkdownRenderer Renderer = new();

    public static TheoryData<string> Payloads => new()
    {
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"javascript:alert(1)\">",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
        "<body onload=alert(1)>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
        "![x](javascript:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[x](https://ok.example \"title\" onclick=alert(1))",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
        "<details open ontoggle=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<video><source onerror=\"alert(1)\"></video>",
        "<marquee onstart=alert(1)>x</marquee>",
        "# Heading <img src=x onerror=alert(1)>",
        "`<script>alert(1)</script>`",
        "```html\n<script>alert(1)</script>\n```",
        "- [ ] <img src=x onerror=alert(1)>",
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
        "# location\n\n# forms\n\n# cookie",
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void APayloadInARunbookRendersInert(string payload)
    {
        var (html, _) = Renderer.ToSafeDocument($"# Runbook\n\nBefore.\n\n{payload}\n\nAfter.");
        var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        var elements = document.Body!.QuerySelectorAll("*").ToList();

        Assert.DoesNotContain(elements, e => e.TagName is "SCRIPT" or "IFRAME" or "OBJECT" or "EMBED" or "SVG" or "MATH" or "FORM" or "BASE" or "META" or "LINK" or "STYLE" or "VIDEO");
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name is "style" or "srcdoc" or "formaction");
        foreach (var url in elements.SelectMany(e => new[] { e.GetAttribute("href"), e.GetAttribute("src"), e.GetAttribute("action") }).OfType<string>())
        {
            var scheme = url.Trim().ToLowerInvariant();
            Assert.False(scheme.StartsWith("javascript:", StringComparison.Ordinal) || scheme.StartsWith("data:", StringComparison.Ordinal) || scheme.StartsWith("vbscript:", StringComparison.Ordinal), url);
        }
        // Anchors never shadow browser globals.
        Assert.All(elements.Where(e => e.Id is { Length: > 0 }), e => Assert.StartsWith(MarkdownRenderer.AnchorPrefix, e.Id, StringComparison.Ordinal));
        Assert.Contains("After.", document.Body.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void DeeplyNestedMarkdownRendersAsPlainTextQuickly()
    {
        var nested = string.Concat(Enumerable.Range(0, 5000).Select(i => new string(' ', i * 2) + "- item\n"));
        var quotes = new string('>', 10_000) + " deep";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (listHtml, _) = Renderer.ToSafeDocument(nested);
        var (quoteHtml, _) = Renderer.ToSafeDocument(quotes);
        Assert.StartsWith("<pre>", listHtml, StringComparison.Ordinal);
        Assert.StartsWith("<pre>", quoteHtml, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void ARunbookGetsAContentsListAndItsStepsStayCheckboxes()
    {
        var (html, headings) = Renderer.ToSafeDocument("# Check\n\ntext\n\n## Act\n\n- [ ] Drain invoice workers\n- [x] Scale up\n\n```sh\nkubectl get pods\n```\n");
        Assert.Equal([(1, "Check", "h-check"), (2, "Act", "h-act")], headings);
        Assert.Contains("id=\"h-check\"", html, StringComparison.Ordinal);
        Assert.Contains("type=\"checkbox\"", html, StringComparison.Ordinal);
        Assert.Matches(@"<pre><code[^>]*>kubectl get pods\s*</code></pre>", html);
    }
}
