using System.Net;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>
/// The runner: <c>dotnet Portal.dll runner --portal &lt;url&gt; --token &lt;token&gt; [--allow &lt;command&gt;]…</c>. A mode of the
/// portal's own build rather than a project of its own: one artifact to ship and upgrade together, the same
/// rules (jobs, redaction) compiled once, and nothing of the web host started. Started near the systems it acts on,
/// it only calls out: it long-polls for signed jobs, refuses a tampered, expired or replayed one and any command not on
/// its own allow-list, runs the command without a shell, renews its lease while it runs, kills the process tree at
/// the timeout or when the portal says the job is no longer its own, and reports the output.
/// </summary>
public sealed class RunnerClient(HttpClient portal, string token, IReadOnlyCollection<string> allowed, TextWriter log)
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
    private readonly NonceCache _nonces = new();
    private readonly HashSet<string> _done = [];

    public static async Task<int> MainAsync(string[] args)
    {
        string? url = null, token = null;
        var allowed = new List<string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--portal": url = args[i + 1]; break;
                case "--token": token = args[i + 1]; break;
                case "--allow": allowed.Add(args[i + 1]); break;
                default: return Usage($"Unknown option {args[i]}.");
            }
        }
        token ??= Environment.GetEnvironmentVariable("PORTAL_RUNNER_TOKEN");
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || string.IsNullOrEmpty(token))
        {
            return Usage("Give the portal's URL and the runner's token.");
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(40) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await Console.Out.WriteLineAsync($"Runner polling {baseUri} (allowed: {(allowed.Count == 0 ? "nothing" : string.Join(", ", allowed))})");
        return await new RunnerClient(http, token, allowed, Console.Out).RunAsync(stop.Token);
    }

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"{problem}\nUsage: dotnet Portal.dll runner --portal <url> --token <runner token> [--allow <command>]...");
        return 2;
    }

    /// <summary>Pulls and runs jobs until stopped; a portal that is down or refuses is tried again after a pause.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await portal.PostAsync("api/runner/jobs/next", null, stop);
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                {
                    await log.WriteLineAsync("The portal refused this runner's token (unknown or revoked); stopping.");
                    return 3;
                }
                if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<SignedJob>(stop) is { } signed)
                {
                    await RunJobAsync(signed, stop);
                }
                else if (response.StatusCode != HttpStatusCode.NoContent)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stop);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                await log.WriteLineAsync($"The portal is not answering ({e.Message}); trying again.");
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return 0;
    }

    private async Task RunJobAsync(SignedJob signed, CancellationToken stop)
    {
        var (job, problem) = RunnerJobs.Open(token, signed.Job, signed.Signature, DateTimeOffset.UtcNow, _nonces);
        if (job is null)
        {
            await log.WriteLineAsync($"Refused a job: {problem}");
            return;
        }
        if (!_done.Add(job.IdempotencyKey))
        {
            await log.WriteLineAsync($"Refused job {job.RunId}: it ran here already.");
            return;
        }
        if (!allowed.Contains(job.Command, StringComparer.Ordinal))
        {
            await ReportAsync(job.RunId, RunState.Failed, $"This runner does not run '{job.Command}' (start it with --allow {job.Command}).", stop);
            return;
        }
        using (var started = await portal.PostAsync($"api/runner/jobs/{job.RunId}/start", null, stop))
        {
            if (!started.IsSuccessStatusCode)
            {
                await log.WriteLineAsync($"Job {job.RunId} is no longer this runner's; not running it.");
                return;
            }
        }
        await log.WriteLineAsync($"Running job {job.RunId}: {job.Command} ({job.Arguments.Count} argument(s))");
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(stop);
        kill.CancelAfter(TimeSpan.FromSeconds(job.TimeoutSeconds));
        var renewing = RenewAsync(job.RunId, kill);
        var (state, output) = await ExecuteAsync(job, kill.Token, stop);
        await kill.CancelAsync();
        await renewing;
        await ReportAsync(job.RunId, state, output, stop);
    }

    /// <summary>The command itself, never a shell: each argument one argv element; at the timeout the whole process tree is killed.</summary>
    private static async Task<(RunState, string)> ExecuteAsync(RunnerJob job, CancellationToken kill, CancellationToken stop)
    {
        try
        {
            var result = await Cli.Wrap(job.Command).WithArguments(job.Arguments).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, kill);
            return (result.ExitCode == 0 ? RunState.Succeeded : RunState.Failed,
                $"exit code {result.ExitCode}\n{result.StandardOutput}{(result.StandardError.Length > 0 ? "\n" + result.StandardError : "")}");
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return (RunState.TimedOut, $"Killed (with its child processes) after {job.TimeoutSeconds} s, or when the portal took the job back.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (RunState.Failed, $"Could not start {job.Command}: {e.Message}");
        }
    }

    /// <summary>Renews the lease until the job ends; when the portal says it is no longer ours, the process is killed.</summary>
    private async Task RenewAsync(long id, CancellationTokenSource kill)
    {
        while (!kill.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewEvery, kill.Token);
                using var renewed = await portal.PostAsync($"api/runner/jobs/{id}/lease", null, kill.Token);
                if (renewed.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.Unauthorized)
                {
                    await kill.CancelAsync();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The portal is away for a moment; the lease has 30 s, the next try may reach it.
            }
        }
    }

    private async Task ReportAsync(long id, RunState state, string output, CancellationToken stop)
    {
        using var reported = await portal.PostAsJsonAsync($"api/runner/jobs/{id}/finish", new JobReport(state, RunOutput.Summarize(output, [token])), Json, stop);
        await log.WriteLineAsync($"Job {id}: {state} (the portal answered {(int)reported.StatusCode}"
            + $"{(reported.IsSuccessStatusCode ? "" : ": " + await reported.Content.ReadAsStringAsync(stop))})");
    }
}
