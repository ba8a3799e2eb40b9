using MudBlazor;
using Portal.Shared;

namespace Portal.Components.Common;

/// <summary>Runs a page action and shows a refusal (invalid input, a conflict, no access) as a snackbar in words.</summary>
public static class SnackbarActions
{
    /// <summary>True when the action went through; false when it was refused and the snackbar says why.</summary>
    public static async Task<bool> TryAsync(this ISnackbar snackbar, Func<Task> action, string? success = null)
    {
        try
        {
            await action();
            if (success is not null)
            {
                snackbar.Add(success, MudBlazor.Severity.Success);
            }
            return true;
        }
        catch (ValidationException e)
        {
            snackbar.Add(e.Messages, MudBlazor.Severity.Warning);
        }
        catch (Exception e) when (e is ConflictException or NotFoundException or AccessDeniedException)
        {
            snackbar.Add(e.Message, MudBlazor.Severity.Warning);
        }
        return false;
    }
}
