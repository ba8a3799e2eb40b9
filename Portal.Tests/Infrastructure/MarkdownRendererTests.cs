using Portal.Infrastructure.Web;

namespace Portal.Tests.Infrastructure;

public class MarkdownRendererTests
{
    private static readonly MarkdownRenderer Renderer = new();

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    [InlineData("<a href=\"https://x\" onclick=\"steal()\">x</a>")]
    public void HtmlAndScriptInUserTextNeverBecomeLiveMarkup(string markdown)
    {
        // Parse what a browser would build: the attack may show as text, but never as elements or handlers.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + Renderer.ToSafeHtml(markdown) + "</body>");
        var elements = document.Body!.QuerySelectorAll("*");
        Assert.DoesNotContain(elements, e => e.TagName is "SCRIPT" or "IFRAME" or "IMG");
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(elements.Select(e => e.GetAttribute("href") ?? ""), h => h.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void RawHtmlIsShownAsText() =>
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", Renderer.ToSafeHtml("<b>bold</b>"), StringComparison.Ordinal);

    [Fact]
    public void ATaskListBoxIsNamedByItsItemForScreenReaders()
    {
        var html = Renderer.ToSafeDocument("- [x] Drain the workers\n- [ ] Restart the renderer").Html;
        Assert.Contains("aria-label=\"Done: Drain the workers\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"To do: Restart the renderer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkdownStillFormats()
    {
        var html = Renderer.ToSafeHtml("Settlement **stuck** at `step 4`\n\n- [x] drained workers\n- see https://status.example.com");
        Assert.Contains("<strong>stuck</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>step 4</code>", html, StringComparison.Ordinal);
        Assert.Contains("checkbox", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://status.example.com\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingRendersAsNothing() => Assert.Equal("", Renderer.ToSafeHtml("  "));
}
