using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Slug = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    Services = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    AlertClasses = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    LastReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastReviewedById = table.Column<int>(type: "INTEGER", nullable: true),
                    ReviewIntervalDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunbookId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    Metadata = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    AuthorId = table.Column<int>(type: "INTEGER", nullable: true),
                    AuthorName = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Slug = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RunbookId = table.Column<int>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunbookId = table.Column<int>(type: "INTEGER", nullable: false),
                    IncidentNumber = table.Column<long>(type: "INTEGER", nullable: true),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
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

            // Full-text search over titles, bodies and tags (porter stemming), kept in step by RunbookService; rowid = runbook id.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE \"RunbookSearch\" USING fts5(\"Title\", \"Body\", \"Tags\", tokenize = 'porter unicode61');");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TABLE IF EXISTS \"RunbookSearch\";");

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
