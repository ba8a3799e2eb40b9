using Portal.Shared.Runbooks;

namespace Portal.Tests.Shared.Runbooks;

public class RunbookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ARunbookIsStaleWhenNeverReviewedOrReviewedLongerAgoThanItsInterval()
    {
        Assert.True(RunbookRules.IsStale(null, 90, Now));
        Assert.False(RunbookRules.IsStale(Now.AddDays(-90), 90, Now));
        Assert.True(RunbookRules.IsStale(Now.AddDays(-91), 90, Now));
    }

    [Fact]
    public void StepsAreTheTaskListItemsOutsideCodeBlocksNumberedInOrder()
    {
        var body = """
            # Invoices stuck
            - [ ] Drain invoice workers
            * [x] Check the queue depth
            Some prose with - [ ] not at the start.
            ```sh
            - [ ] this is shell output, not a step
            ```
              + [ ] Restart the renderer
            - [] not a checkbox
            """;
        Assert.Equal([new RunbookStep(1, "Drain invoice workers"), new RunbookStep(2, "Check the queue depth"), new RunbookStep(3, "Restart the renderer")],
            RunbookRules.Steps(body.Replace("\n", "\r\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void AnAlertsClassComesFromTheLabelItsProtocolUses()
    {
        Assert.Equal("paymentsdown", RunbookRules.AlertClass(new Dictionary<string, string> { ["class"] = " PaymentsDown " }));
        Assert.Equal("highlatency", RunbookRules.AlertClass(new Dictionary<string, string> { ["alertname"] = "HighLatency" }));
        Assert.Equal("invoice-errors", RunbookRules.AlertClass(new Dictionary<string, string> { ["alarm"] = "invoice-errors" }));
        Assert.Null(RunbookRules.AlertClass(new Dictionary<string, string> { ["team"] = "billing" }));
    }

    [Fact]
    public void ALabelIsANameAndAValueAroundTheFirstEqualsSign()
    {
        Assert.Equal(("alertname", "a=b"), RunbookRules.Label(" alertname = a=b "));
        Assert.Null(RunbookRules.Label("alertname="));
        Assert.Null(RunbookRules.Label("=value"));
        Assert.Null(RunbookRules.Label("no label"));
    }
}
