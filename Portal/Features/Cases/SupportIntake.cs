using Microsoft.EntityFrameworkCore;
using Portal.Features.Directory;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Features.Cases;

/// <summary>What the support form sends.</summary>
public sealed class SupportForm
{
    public string? Email { get; set; }
    public string? AccountId { get; set; }
    public string? Subject { get; set; }
    public string? Body { get; set; }
    public string? Category { get; set; }

    /// <summary>The bot trap: a field people never see (hidden), which form-filling bots fill.</summary>
    public string? Website { get; set; }
}

/// <summary>What the form answers: the link went out by email, or (no mail server, as in the demo) it is shown on screen.</summary>
public sealed record SupportSubmitted(string Email, string? ShownLink);

/// <summary>What following the one-time link did: the case opened (and the advertiser's link to it), or why not.</summary>
public sealed record SupportConfirmed(string? CaseKey, string? CaseLink, string? Problem);

/// <summary>
/// The advertiser-facing support form: no portal sign-in. The request is kept until the advertiser follows a one-time
/// link sent to the address they gave, which proves it; then it becomes a case, once. Rate limited per address (here)
/// and per IP (the page's rate limiter); a bot that fills the hidden field is told it worked and nothing is kept.
/// </summary>
public sealed class SupportIntake(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, CaseOptions options, AdvertiserService advertisers,
    AdvertiserCaseService cases, CaseLinks links, IConfiguration configuration)
{
    /// <summary>Whether case emails can go out; when not, the form shows the link on screen (the demo's way).</summary>
    public bool MailConfigured => !string.IsNullOrWhiteSpace(configuration["Notifications:Smtp:Host"]);

    public async Task<SupportSubmitted> SubmitAsync(SupportForm form, string? address, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var email = AdvertiserRules.NormalizeEmail(form.Email);
        if (email is null)
        {
            errors["email"] = ["Give the email address you use for billing."];
        }
        if (CaseWorkflow.SubjectProblem(form.Subject?.Trim()) is { } subject)
        {
            errors["subject"] = [subject];
        }
        if (CaseWorkflow.BodyProblem(form.Body, "question") is { } body)
        {
            errors["body"] = [body];
        }
        var category = string.IsNullOrWhiteSpace(form.Category) ? "other" : form.Category.Trim();
        if (options.CategoryList.All(c => c.Slug != category))
        {
            errors["category"] = ["Choose what your question is about."];
        }
        var account = string.IsNullOrWhiteSpace(form.AccountId) ? null : form.AccountId.Trim();
        if (account is not null && !AdvertiserRules.IsAccountId(account))
        {
            errors["accountId"] = ["An account id looks like ACC-100234; leave it empty if you do not know it."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!string.IsNullOrEmpty(form.Website))
        {
            db.AuditEntries.Add(new AuditEntry { At = now, Actor = "anonymous", Action = "support.bot-trapped", Target = email, Address = address });
            await db.SaveChangesAsync(cancellationToken);
            return new SupportSubmitted(email!, null);
        }
        var recent = await db.SupportRequests.CountAsync(r => r.Email == email && r.CreatedAt > now.AddHours(-1), cancellationToken);
        if (recent >= IntakeRules.MaxPendingPerAddressPerHour)
        {
            throw new ValidationException("email", "Several requests came from this address in the last hour; check your inbox for the links, or try again later.");
        }
        var (token, hash) = CaseLinks.NewOneTimeToken();
        db.SupportRequests.Add(new SupportRequest
        {
            TokenHash = hash, Email = email!, AccountId = account, Subject = form.Subject!.Trim(), Body = form.Body!.Trim(), Category = category,
            Address = address, CreatedAt = now, ExpiresAt = now + IntakeRules.ConfirmLinkLifetime,
        });
        var path = CaseLinks.ConfirmPath(token);
        db.CaseMails.Add(CaseMailOutbox.Confirm(email!, form.Subject.Trim(), path, options, now));
        await db.SaveChangesAsync(cancellationToken);
        return new SupportSubmitted(email!, MailConfigured ? null : path);
    }

    /// <summary>Follows the one-time link: the first time, the request becomes a case; after that, or expired, it says so.</summary>
    public async Task<SupportConfirmed> ConfirmAsync(string? token, string? address, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new(null, null, "Open the link from the email we sent you; it carries what this page needs.");
        }
        if (token.Length > 100)
        {
            return new(null, null, "This link is not one we sent.");
        }
        var hash = CaseLinks.Hash(token);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var request = await db.SupportRequests.AsNoTracking().FirstOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        if (request is null)
        {
            db.AuditEntries.Add(new AuditEntry { At = now, Actor = "anonymous", Action = AuditActions.AccessDenied, Target = "support confirmation link", Address = address, Detail = "No such link." });
            await db.SaveChangesAsync(cancellationToken);
            return new(null, null, "This link is not one we sent.");
        }
        if (request.CaseNumber is { } done)
        {
            return new(CaseNumber.Format(done), CaseLinks.CasePath(links.ForCase(done, request.Email)), "This request was already sent; here is its case.");
        }
        if (request.ExpiresAt < now)
        {
            return new(null, null, "This link has expired; send your question again from the support page.");
        }
        var advertiser = await advertisers.FindByEmailAsync(request.Email, cancellationToken);
        if (advertiser is null || (request.AccountId is { } account && !string.Equals(account, advertiser.AccountId, StringComparison.OrdinalIgnoreCase)))
        {
            return new(null, null, "This address is not a billing contact of an advertiser we know (of that account, if you gave one). Ask your account team to add it, then write again.");
        }
        // Claimed before the case is opened: two clicks at once open one case.
        var claimed = await db.SupportRequests.Where(r => r.Id == request.Id && r.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return new(null, null, "This request is being sent; open the link again in a moment.");
        }
        long number;
        try
        {
            number = await cases.OpenAsync(advertiser.Id, new AdvertiserMessage(request.Email, request.Body), request.Subject, request.Category, CaseChannel.WebForm, cancellationToken: cancellationToken);
        }
        catch
        {
            // Nothing opened: the link works again, so the request is not lost.
            await db.SupportRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.UsedAt, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        await db.SupportRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.CaseNumber, number), cancellationToken);
        return new(CaseNumber.Format(number), CaseLinks.CasePath(links.ForCase(number, request.Email)), null);
    }
}
