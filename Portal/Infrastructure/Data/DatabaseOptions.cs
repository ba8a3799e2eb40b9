namespace Portal.Infrastructure.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>How long startup keeps retrying to reach the database and migrate it.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
