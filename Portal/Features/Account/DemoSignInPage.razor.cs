using Microsoft.AspNetCore.Components;
using Portal.Shared.Team;

namespace Portal.Features.Account;

public partial class DemoSignInPage
{
    private sealed record TeamGroup(string Title, IReadOnlyList<PersonView> People);

    private IReadOnlyList<TeamGroup> _groups = [];
    private string? _error;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "as")]
    private string? As { get; set; }

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (!Demo.Enabled)
        {
            HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!string.IsNullOrWhiteSpace(As))
        {
            _error = await Demo.SignInAsync(HttpContext, As);
            if (_error is null)
            {
                Navigation.NavigateTo(AccountModule.SafeReturnUrl(ReturnUrl), forceLoad: true);
                return;
            }
        }
        var people = await People.ListAsync();
        _groups = [.. people
            .GroupBy(p => p.TeamName ?? "Leadership")
            .OrderBy(g => g.Key == "Leadership" ? 0 : 1).ThenBy(g => g.Key)
            .Select(g => new TeamGroup(g.Key, [.. g]))];
    }

    private string SignInLink(string handle)
    {
        var link = $"/account/demo?as={Uri.EscapeDataString(handle)}";
        return string.IsNullOrEmpty(ReturnUrl) ? link : $"{link}&returnUrl={Uri.EscapeDataString(ReturnUrl)}";
    }

    private static string Plural(PortalRole role) => role switch
    {
        PortalRole.Admin => "Admins",
        PortalRole.Manager => "Managers",
        _ => "Engineers",
    };
}
