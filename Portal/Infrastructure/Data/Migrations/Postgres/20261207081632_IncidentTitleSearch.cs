using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IncidentTitleSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The queue's text search (q=) over incident titles: a trigram index on the lowered title, which
            // lower("Title") LIKE '%…%' uses instead of reading every title. pg_trgm is a trusted extension (from
            // PostgreSQL 13), so the database's owner may create it.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""CREATE INDEX "IX_Incidents_Title_Trigram" ON "Incidents" USING gin (lower("Title") gin_trgm_ops);""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Incidents_Title_Trigram";""");
        }
    }
}
