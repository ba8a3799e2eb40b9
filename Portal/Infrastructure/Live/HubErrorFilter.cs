using Microsoft.AspNetCore.SignalR;

namespace Portal.Infrastructure.Live;

/// <summary>
/// A client's mistake (a <see cref="HubException"/>, such as an unknown topic) goes back to that client and is not a
/// server error; anything else is. SignalR's own dispatcher logs both as errors, so its category is raised to Critical
/// in <see cref="LiveModule"/> and this filter logs the real ones.
/// </summary>
internal sealed class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Hub method {Method} failed", invocationContext.HubMethodName);
            throw;
        }
    }
}
