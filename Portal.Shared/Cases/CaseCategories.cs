namespace Portal.Shared.Cases;

/// <summary>A case category: a slug stored on cases, and the name people read.</summary>
public sealed record CaseCategory(string Slug, string Name);

/// <summary>The categories cases are filed under. The list is configurable (<c>Cases:Categories</c>); these are the defaults.</summary>
public static class CaseCategories
{
    public static IReadOnlyList<CaseCategory> Defaults { get; } =
    [
        new("invoice-dispute", "Invoice dispute"),
        new("duplicate-charge", "Duplicate charge"),
        new("refund", "Refund"),
        new("payment-failure", "Payment failure"),
        new("tax-document", "Tax document"),
        new("budget-promotion", "Budget or promotion"),
        new("credit-line", "Credit line"),
        new("other", "Other"),
    ];

    /// <summary>The name of <paramref name="slug"/> in <paramref name="list"/>, or the slug itself for one no longer listed.</summary>
    public static string NameOf(IReadOnlyList<CaseCategory> list, string slug) =>
        list.FirstOrDefault(c => c.Slug == slug)?.Name ?? slug;
}
