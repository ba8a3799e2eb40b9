using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncidentTitleSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The queue's text search (q=) over incident titles: an FTS5 index of trigrams, so that a substring is
            // found without reading every title. It indexes the Incidents table itself (external content) and is
            // kept in step by triggers, whichever code writes an incident.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "IncidentTitleSearch" USING fts5("Title", content = 'Incidents', content_rowid = 'Number', tokenize = 'trigram');
                """);
            migrationBuilder.Sql("""INSERT INTO "IncidentTitleSearch"("IncidentTitleSearch") VALUES ('rebuild');""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "Incidents_TitleSearch_Insert" AFTER INSERT ON "Incidents" BEGIN
                    INSERT INTO "IncidentTitleSearch"(rowid, "Title") VALUES (new."Number", new."Title");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Incidents_TitleSearch_Delete" AFTER DELETE ON "Incidents" BEGIN
                    INSERT INTO "IncidentTitleSearch"("IncidentTitleSearch", rowid, "Title") VALUES ('delete', old."Number", old."Title");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Incidents_TitleSearch_Update" AFTER UPDATE OF "Title" ON "Incidents" BEGIN
                    INSERT INTO "IncidentTitleSearch"("IncidentTitleSearch", rowid, "Title") VALUES ('delete', old."Number", old."Title");
                    INSERT INTO "IncidentTitleSearch"(rowid, "Title") VALUES (new."Number", new."Title");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Incidents_TitleSearch_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Incidents_TitleSearch_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Incidents_TitleSearch_Update";""");
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "IncidentTitleSearch";""");
        }
    }
}
