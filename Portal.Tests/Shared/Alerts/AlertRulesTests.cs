using Portal.Shared.Alerts;
using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Alerts;

public class AlertRulesTests
{
    [Theory]
    [InlineData("critical", Severity.SEV2)]
    [InlineData("error", Severity.SEV3)]
    [InlineData("warning", Severity.SEV4)]
    [InlineData("info", Severity.SEV5)]
    [InlineData("CRITICAL", Severity.SEV2)]
    [InlineData("page-everyone", Severity.SEV3)]
    [InlineData(null, Severity.SEV3)]
    public void TheDefaultSeverityMapping(string? word, Severity expected) => Assert.Equal(expected, AlertSeverities.Map(word));

    [Fact]
    public void AnIntegrationsOwnMappingComesFirstButNeverDeclaresSev1()
    {
        var custom = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase) { ["warning"] = Severity.SEV3, ["p0"] = Severity.SEV1 };

        Assert.Equal(Severity.SEV3, AlertSeverities.Map("warning", custom));
        Assert.Equal(Severity.SEV2, AlertSeverities.Map("critical", custom));
        Assert.Equal(Severity.SEV2, AlertSeverities.Map("p0", custom));
        Assert.Equal(["'p0' maps to SEV1, which only people declare; use SEV2 to SEV5."], AlertSeverities.Check(custom));
    }

    [Fact]
    public void IntegrationKeysAre32LowercaseHexCharactersStoredHashed()
    {
        var keys = Enumerable.Range(0, 50).Select(_ => IntegrationKeys.Generate()).ToList();

        Assert.All(keys, k => Assert.True(IntegrationKeys.IsWellFormed(k)));
        Assert.Equal(50, keys.Distinct().Count());
        Assert.Matches("^[0-9a-f]{64}$", IntegrationKeys.Hash(keys[0]));
        Assert.Equal(IntegrationKeys.Hash(keys[0]), IntegrationKeys.Hash(keys[0]));
        Assert.NotEqual(IntegrationKeys.Hash(keys[0]), IntegrationKeys.Hash(keys[1]));
        Assert.Equal("…" + keys[0][^4..], IntegrationKeys.Hint(keys[0]));
    }

    [Theory]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData(null)]
    public void MalformedKeysAreNotKeys(string? key) => Assert.False(IntegrationKeys.IsWellFormed(key));

    [Theory]
    [InlineData("events-v2", IntegrationKind.EventsV2)]
    [InlineData("Alertmanager", IntegrationKind.Alertmanager)]
    [InlineData(" cloudwatch ", IntegrationKind.CloudWatch)]
    public void KindsAreNamedAsInConfiguration(string name, IntegrationKind kind)
    {
        Assert.True(IntegrationKinds.TryParse(name, out var parsed));
        Assert.Equal(kind, parsed);
        Assert.Equal(name.Trim().ToLowerInvariant(), IntegrationKinds.Name(kind));
    }

    [Fact]
    public void AnUnknownKindIsNotParsed() => Assert.False(IntegrationKinds.TryParse("nagios", out _));
}

public class IntegrationMappingsTests
{
    [Fact]
    public void SeverityMappingsReadFromText()
    {
        var errors = new List<string>();

        var map = IntegrationMappings.ParseSeverities(" page = sev2 , minor=SEV4", errors);

        Assert.Empty(errors);
        Assert.Equal(Portal.Shared.Incidents.Severity.SEV2, map["PAGE"]);
        Assert.Equal("minor=SEV4, page=SEV2", IntegrationMappings.Format(map));
    }

    [Fact]
    public void LabelMappingsStartFromTheDefaults()
    {
        var errors = new List<string>();

        var map = IntegrationMappings.ParseLabels("region=dc_region", errors);

        Assert.Empty(errors);
        Assert.Equal("region=dc_region, service=service, severity=severity, team=team", IntegrationMappings.Format(map));
    }

    [Fact]
    public void BadMappingsNameEachProblem()
    {
        var errors = new List<string>();

        IntegrationMappings.ParseSeverities("p0=SEV1, x, low=SEV9", errors);
        IntegrationMappings.ParseLabels("colour=c, =x", errors);

        Assert.Equal(
        [
            "In the severity mapping, 'x' is not name=value.",
            "In the severity mapping, 'SEV9' is not a severity; use SEV2 to SEV5.",
            "'p0' maps to SEV1, which only people declare; use SEV2 to SEV5.",
            "In the label mapping, 'colour' is no incident field a label can fill; use region, severity, team or service.",
            "In the label mapping, '=x' is not name=value.",
        ], errors);
    }
}
