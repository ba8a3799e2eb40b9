namespace Portal.Features.Cases;

/// <summary>Sends the case outbox and reads the support mailbox on an interval, outside any circuit.</summary>
public sealed class CaseMailProcessor(IServiceScopeFactory scopes, CaseMailSignal signal, TimeProvider clock, CaseOptions options, ILogger<CaseMailProcessor> logger)
    : Background.PollingProcessor(signal, clock, options.MailInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CaseMailSender>().SendDueAsync(cancellationToken);
        try
        {
            await scope.ServiceProvider.GetRequiredService<CaseMailReader>().ReadAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unread messages stay unread on the server: nothing is lost, the next round reads them.
            logger.LogWarning("The support mailbox could not be read ({Error}); trying again in {Interval}", ex.Message, options.MailInterval);
        }
        // One round per interval: the sender takes at most a batch, and what it leaves waits for the next round.
        return 0;
    }
}

/// <summary>Wakes the mail processor early (a reply was just written).</summary>
public sealed class CaseMailSignal : Background.ProcessorSignal;
