using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Shared.Alerts;


namespace Portal.Tests.Shared.Alerts;

public class CloudWatchSnsTests
{
    [Fact]
    public void AnAlarmNotificationCarriesTheAlarm()
    {
        var reading = CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-alarm.json"));

        Assert.Empty(reading.Errors);
        Assert.Equal(SnsMessageType.Notification, reading.Message!.Type);
        var alarm = reading.Alarm!;
        Assert.Equal(("PaymentsSettlementLag-High", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:PaymentsSettlementLag-High"), (alarm.AlarmName, alarm.AlarmArn));
        Assert.Equal(AlertAction.Trigger, alarm.Action);
        Assert.Equal("Settlement batch lag above 15 minutes", alarm.AlarmDescription);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 30, 123, TimeSpan.Zero), alarm.StateChangeTime);
    }

    [Fact]
    public void AnOkNotificationResolves() =>
        Assert.Equal(AlertAction.Resolve, CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-ok.json")).Alarm!.Action);

    [Fact]
    public void ASubscriptionConfirmationNamesTheUrlToFetch()
    {
        var message = CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-subscription-confirmation.json")).Message!;

        Assert.Equal(SnsMessageType.SubscriptionConfirmation, message.Type);
        Assert.Equal("sns.us-east-1.amazonaws.com", message.SubscribeUrl!.Host);
        Assert.StartsWith("2336412f", message.Token, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://sns.us-east-1.amazonaws.com/cert.pem", true)]
    [InlineData("https://sns.cn-north-1.amazonaws.com.cn/cert.pem", true)]
    [InlineData("http://sns.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com.evil.example/cert.pem", false)]
    [InlineData("https://evil.example/sns.us-east-1.amazonaws.com/cert.pem", false)]
    [InlineData("https://sns.us-east-1.amazonaws.com:8443/cert.pem", false)]
    [InlineData("https://s3.amazonaws.com/cert.pem", false)]
    public void OnlySnsHostsAreFetched(string url, bool allowed) => Assert.Equal(allowed, CloudWatchSns.IsSnsUrl(new Uri(url)));

    [Fact]
    public void ACertificateUrlOffSnsIsRefused()
    {
        var json = JsonNode.Parse(Fixture.Text("cloudwatch-sns-alarm.json"))!;
        json["SigningCertURL"] = "https://attacker.example/cert.pem";

        Assert.Equal(["'SigningCertURL' must be an https URL on an sns.<region>.amazonaws.com host"],
            CloudWatchSns.Read(Fixture.Utf8(json.ToJsonString())).Errors);
    }

    [Fact]
    public void AMessageWithoutAnAlarmIsRefused()
    {
        var json = JsonNode.Parse(Fixture.Text("cloudwatch-sns-alarm.json"))!;
        json["Message"] = "{\"AlarmName\":\"x\"}";

        Assert.Equal(["'Message.NewStateValue' is missing or blank", "'Message.AlarmArn' is missing or blank"],
            CloudWatchSns.Read(Fixture.Utf8(json.ToJsonString())).Errors);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public void ASignatureMadeWithTheCertificateVerifiesAndATamperedMessageDoesNot(string version)
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=sns.amazonaws.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var unsigned = CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-alarm.json")).Message! with { SignatureVersion = version };
        var hash = version == "2" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(CloudWatchSns.StringToSign(unsigned)), hash, RSASignaturePadding.Pkcs1));
        var signed = unsigned with { Signature = signature };

        Assert.True(CloudWatchSns.IsSignedBy(signed, certificate));
        Assert.False(CloudWatchSns.IsSignedBy(signed with { Message = signed.Message.Replace("ALARM", "OK", StringComparison.Ordinal) }, certificate));
        Assert.False(CloudWatchSns.IsSignedBy(unsigned, certificate));
    }

    [Fact]
    public void TheStringToSignIsEachFieldNameAndValueInAwssOrder()
    {
        var m = CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-subscription-confirmation.json")).Message!;

        Assert.Equal(
            $"Message\n{m.Message}\nMessageId\n{m.MessageId}\nSubscribeURL\n{m.SubscribeUrl!.OriginalString}\nTimestamp\n{m.Timestamp}\n" +
            $"Token\n{m.Token}\nTopicArn\n{m.TopicArn}\nType\nSubscriptionConfirmation\n",
            CloudWatchSns.StringToSign(m));
    }

    [Fact]
    public void ANotificationWithoutSubjectLeavesTheSubjectOut()
    {
        var m = CloudWatchSns.Read(Fixture.Bytes("cloudwatch-sns-alarm.json")).Message! with { Subject = null };

        Assert.Equal(
            $"Message\n{m.Message}\nMessageId\n{m.MessageId}\nTimestamp\n{m.Timestamp}\nTopicArn\n{m.TopicArn}\nType\nNotification\n",
            CloudWatchSns.StringToSign(m));
    }
}
