using Portal.Shared.Automation;

namespace Portal.Tests.Shared.Automation;

public sealed class RunnerJobsTests
{
    private const string Secret = "runner-secret-of-32-characters!!";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 3, 0, 0, TimeSpan.Zero);

    private static RunnerJob Job(string nonce = "n-1") =>
        new(7, "run-7", nonce, Now.AddMinutes(5), "/opt/billing/bin/restart-renderer", ["--region", "JP"], 120);

    [Fact]
    public void ASignedJobOpensOnceAndNeverAgain()
    {
        var json = RunnerJobs.Serialize(Job());
        var signature = RunnerJobs.Sign(Secret, json, Now);
        var seen = new NonceCache();
        var (job, problem) = RunnerJobs.Open(Secret, json, signature, Now.AddSeconds(3), seen);
        Assert.Null(problem);
        Assert.Equal(["--region", "JP"], job!.Arguments);
        var (again, replay) = RunnerJobs.Open(Secret, json, signature, Now.AddSeconds(4), seen);
        Assert.Null(again);
        Assert.Contains("replay", replay, StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedWrongSecretOrExpiredJobIsRefusedWithItsReason()
    {
        var json = RunnerJobs.Serialize(Job());
        var signature = RunnerJobs.Sign(Secret, json, Now);
        var tampered = json.Replace("JP", "US", StringComparison.Ordinal);
        Assert.Contains("signature", RunnerJobs.Open(Secret, tampered, signature, Now, new NonceCache()).Problem, StringComparison.Ordinal);
        Assert.Contains("signature", RunnerJobs.Open("another-secret", json, signature, Now, new NonceCache()).Problem, StringComparison.Ordinal);
        // Signed long ago: the signature's own time is out of tolerance.
        Assert.NotNull(RunnerJobs.Open(Secret, json, signature, Now.AddMinutes(30), new NonceCache()).Problem);
        // Signed now, but the job itself expired.
        var stale = RunnerJobs.Serialize(Job() with { ExpiresAt = Now.AddMinutes(-10) });
        Assert.Contains("expired", RunnerJobs.Open(Secret, stale, RunnerJobs.Sign(Secret, stale, Now), Now, new NonceCache()).Problem, StringComparison.Ordinal);
        var notAJob = """{"runId":1}""";
        Assert.Contains("not a job", RunnerJobs.Open(Secret, notAJob, RunnerJobs.Sign(Secret, notAJob, Now), Now, new NonceCache()).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void NoncesAreForgottenOnlyOnceTheirJobCouldNotBeAcceptedAnyway()
    {
        var seen = new NonceCache();
        Assert.True(seen.Add("a", Now.AddMinutes(7), Now));
        Assert.False(seen.Add("a", Now.AddMinutes(7), Now.AddMinutes(6)));
        Assert.True(seen.Add("b", Now.AddMinutes(20), Now.AddMinutes(8)));
        Assert.Equal(1, seen.Count);  // "a" is gone: a job that old is refused as expired before its nonce is read
    }

    [Fact]
    public void OutputLosesItsSecretsAndCredentialsAndKeepsItsEnd()
    {
        var output = "connecting with token=abc123def and Authorization: Bearer eyJhbGciOi.x.y\npassword: \"hunter 22\" sk-live-7788 restarted";
        var summary = RunOutput.Summarize(output, ["sk-live-7788", "ab"]);
        Assert.DoesNotContain("abc123def", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOi", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", summary, StringComparison.Ordinal);
        Assert.Contains("restarted", summary, StringComparison.Ordinal);
        Assert.Contains("connecting", summary, StringComparison.Ordinal);  // a two-letter "secret" is not searched for

        var long_ = new string('x', 5000) + "ERROR at the end";
        var cut = RunOutput.Summarize(long_, []);
        Assert.EndsWith("ERROR at the end", cut, StringComparison.Ordinal);
        Assert.StartsWith("[1016 characters cut]", cut, StringComparison.Ordinal);
        Assert.Equal("", RunOutput.Summarize(null, []));
    }
}
