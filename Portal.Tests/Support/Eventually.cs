namespace Portal.Tests.Support;

/// <summary>Waiting for something that happens on another thread or process (a live feed, a hub client, a server).</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, int seconds = 10) => TrueAsync(() => Task.FromResult(condition()), seconds);

    public static async Task TrueAsync(Func<Task<bool>> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.True(await condition(), $"the condition did not become true within {seconds} s");
    }
}
