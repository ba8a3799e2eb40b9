using Npgsql;
using Portal.Infrastructure.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>Each node's PostgreSQL pool leaves room for the other nodes under PostgreSQL's default max_connections.</summary>
public sealed class PostgresPoolTests
{
    [Fact]
    public void WithoutAPoolSizeANodeKeepsAtMostTwentyConnections()
    {
        var connectionString = DataModule.PostgresConnectionString("Host=db;Database=portal;Username=portal;Password=secret");

        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        Assert.Equal(DataModule.DefaultPostgresPoolSize, parsed.MaxPoolSize);
        Assert.Equal(("db", "portal", "portal", "secret"), (parsed.Host, parsed.Database, parsed.Username, parsed.Password));
        // Four nodes still fit in PostgreSQL's default 100 connections, less its 3 reserved for superusers.
        Assert.True(4 * parsed.MaxPoolSize <= 97);
    }

    [Theory]
    [InlineData("Host=db;Database=portal;Maximum Pool Size=60")]
    [InlineData("Host=db;Database=portal;MaxPoolSize=60")]
    [InlineData("host=db;database=portal;maximum pool size=60")]
    public void APoolSizeTheOperatorSetIsKept(string configured)
    {
        Assert.Equal(60, new NpgsqlConnectionStringBuilder(DataModule.PostgresConnectionString(configured)).MaxPoolSize);
    }
}
