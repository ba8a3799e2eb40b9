using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Directory;

namespace Portal.Tests.Support;

/// <summary>Puts a seeded person into the shell, as the layout does on a circuit's first render.</summary>
public static class ShellStateTestExtensions
{
    public static async Task SetMeAsync(this ShellState shell, IServiceProvider services, string handle) =>
        shell.SetMe(await services.GetRequiredService<PeopleService>().FindAsync(handle, Xunit.TestContext.Current.CancellationToken));
}
