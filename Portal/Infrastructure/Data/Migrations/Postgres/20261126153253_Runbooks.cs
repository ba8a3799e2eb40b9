using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Runbooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Runbooks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Slug = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    Services = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    AlertClasses = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Labels = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Tags = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "integer", nullable: true),
                    LastReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastReviewedById = table.Column<int>(type: "integer", nullable: true),
                    ReviewIntervalDays = table.Column<int>(type: "integer", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Runbooks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Runbooks_People_LastReviewedById",
                        column: x => x.LastReviewedById,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Runbooks_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "RunbookRevisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunbookId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    Metadata = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    AuthorId = table.Column<int>(type: "integer", nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Message = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunbookRevisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunbookRevisions_People_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_RunbookRevisions_Runbooks_RunbookId",
                        column: x => x.RunbookId,
                        principalTable: "Runbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunbookSlugs",
                columns: table => new
                {
                    Slug = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RunbookId = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunbookSlugs", x => x.Slug);
                    table.ForeignKey(
                        name: "FK_RunbookSlugs_Runbooks_RunbookId",
                        column: x => x.RunbookId,
                        principalTable: "Runbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunbookUsages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunbookId = table.Column<int>(type: "integer", nullable: false),
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: true),
                    PersonId = table.Column<int>(type: "integer", nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunbookUsages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunbookUsages_People_PersonId",
                        column: x => x.PersonId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_RunbookUsages_Runbooks_RunbookId",
                        column: x => x.RunbookId,
                        principalTable: "Runbooks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_RunbookRevisions_AuthorId",
                table: "RunbookRevisions",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_RunbookRevisions_RunbookId_Number",
                table: "RunbookRevisions",
                columns: new[] { "RunbookId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runbooks_LastReviewedById",
                table: "Runbooks",
                column: "LastReviewedById");

            migrationBuilder.CreateIndex(
                name: "IX_Runbooks_OwnerTeamId",
                table: "Runbooks",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_Runbooks_Slug",
                table: "Runbooks",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunbookSlugs_RunbookId",
                table: "RunbookSlugs",
                column: "RunbookId");

            migrationBuilder.CreateIndex(
                name: "IX_RunbookUsages_PersonId",
                table: "RunbookUsages",
                column: "PersonId");

            migrationBuilder.CreateIndex(
                name: "IX_RunbookUsages_RunbookId_Kind",
                table: "RunbookUsages",
                columns: new[] { "RunbookId", "Kind" });

            // Full-text search: a stored tsvector (title weighted above tags above body) with a GIN index.
            migrationBuilder.Sql("""
                ALTER TABLE "Runbooks" ADD COLUMN "SearchVector" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', coalesce("Title", '')), 'A') ||
                    setweight(to_tsvector('english', coalesce("Tags", '')), 'B') ||
                    setweight(to_tsvector('english', coalesce("Body", '')), 'C')) STORED;
                CREATE INDEX "IX_Runbooks_SearchVector" ON "Runbooks" USING GIN ("SearchVector");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RunbookRevisions");

            migrationBuilder.DropTable(
                name: "RunbookSlugs");

            migrationBuilder.DropTable(
                name: "RunbookUsages");

            migrationBuilder.DropTable(
                name: "Runbooks");
        }
    }
}
