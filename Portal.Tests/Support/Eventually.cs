namespace Portal.Tests.Support;

/// <summary>Waiting for something that happens on another thread (a live feed, a hub client).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), $"the condition did not become true within {seconds} s");
    }
}
