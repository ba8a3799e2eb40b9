using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace Portal.Tests.Support;

/// <summary>
/// A real IMAP server: Debian's Dovecot, started from the installed binary on a free loopback port with one mailbox
/// (a Maildir in a temp folder, plain-text login, no TLS), stopped after the tests. It can be stopped and started
/// again on the same port and mailbox, to test an outage.
/// </summary>
public sealed class DovecotServer : IAsyncLifetime
{
    public const string InstallCommand = "apt-get install -y dovecot-imapd";
    public const string Binary = "/usr/sbin/dovecot";
    public const string User = "support";
    public const string Password = "support-test-password";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"portal-dovecot-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; } = Ports.Free();

    public bool Running => _process is { HasExited: false };

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Dovecot was not found at {Binary}. Install it: {InstallCommand}");
        }
        // A killed server leaves its sockets behind, which stop the next start: the run folder is made anew each time.
        var run = Path.Combine(_folder, "run");
        if (Directory.Exists(run))
        {
            Directory.Delete(run, recursive: true);
        }
        Directory.CreateDirectory(run);
        Directory.CreateDirectory(Path.Combine(_folder, "home", User));
        var config = Path.Combine(_folder, "dovecot.conf");
        // Dovecot refuses root for its login processes and for mail users: as root, both are "nobody", who owns the mailbox.
        var root = Run("id", "-u") == "0";
        var (uid, gid) = root ? (Run("id", "-u", "nobody"), Run("id", "-g", "nobody")) : (Run("id", "-u"), Run("id", "-g"));
        var loginUser = root ? "nobody" : Environment.UserName;
        if (root)
        {
            Run("chown", "-R", $"{uid}:{gid}", Path.Combine(_folder, "home"));
        }
        File.WriteAllText(Path.Combine(_folder, "passwd"), $"{User}:{{PLAIN}}{Password}:{uid}:{gid}::{_folder}/home/{User}\n");
        File.WriteAllText(config, string.Create(CultureInfo.InvariantCulture, $$"""
            protocols = imap
            listen = 127.0.0.1
            base_dir = {{_folder}}/run
            state_dir = {{_folder}}/state
            log_path = {{_folder}}/dovecot.log
            info_log_path = {{_folder}}/dovecot.log
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_login_user = {{loginUser}}
            default_internal_user = {{Environment.UserName}}
            default_internal_group = {{Environment.UserName}}
            mail_location = maildir:{{_folder}}/home/%u/Maildir
            first_valid_uid = 0
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{_folder}}/passwd
            }
            userdb {
              driver = passwd-file
              args = username_format=%u {{_folder}}/passwd
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service stats {
              unix_listener stats-reader {
                mode = 0600
              }
              unix_listener stats-writer {
                mode = 0600
              }
            }
            """));
        _process = Process.Start(new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-F", "-c", config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        if (!await Ports.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(15), () => process.HasExited))
        {
            var log = File.Exists(Path.Combine(_folder, "dovecot.log")) ? File.ReadAllText(Path.Combine(_folder, "dovecot.log")) : "(no log)";
            throw new InvalidOperationException($"Dovecot did not start listening on port {Port} within 15 s: {log}");
        }
    }

    /// <summary>Puts a message in the mailbox, unread, as delivery would.</summary>
    public async Task DeliverAsync(MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        await client.Inbox.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(true);
    }

    /// <summary>How many messages the mailbox holds, and how many of them are unread.</summary>
    public async Task<(int All, int Unread)> CountAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var unread = (await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.NotSeen)).Count;
        var all = client.Inbox.Count;
        await client.DisconnectAsync(true);
        return (all, unread);
    }

    /// <summary>Kills the server (an outage); <see cref="StartAsync"/> brings it back with the same mailbox.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
