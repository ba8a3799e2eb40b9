namespace Portal.Tests.Shared.Alerts;

/// <summary>The monitor payloads in Portal.Tests/Fixtures, copied beside the test assembly.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static string Text(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static byte[] Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);
}
