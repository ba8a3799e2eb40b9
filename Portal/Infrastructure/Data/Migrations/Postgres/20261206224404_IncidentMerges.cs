using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IncidentMerges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MergedIntoNumber",
                table: "Incidents",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IncidentMerges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MergedNumber = table.Column<long>(type: "bigint", nullable: false),
                    SurvivorNumber = table.Column<long>(type: "bigint", nullable: false),
                    ById = table.Column<int>(type: "integer", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SuggestedScore = table.Column<double>(type: "double precision", nullable: true),
                    MovedAlertIds = table.Column<string>(type: "text", nullable: false),
                    UnmergedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UnmergedById = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentMerges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentMerges_Incidents_MergedNumber",
                        column: x => x.MergedNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_IncidentMerges_Incidents_SurvivorNumber",
                        column: x => x.SurvivorNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentMerges_MergedNumber_Id",
                table: "IncidentMerges",
                columns: new[] { "MergedNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentMerges_SurvivorNumber_Id",
                table: "IncidentMerges",
                columns: new[] { "SurvivorNumber", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentMerges");

            migrationBuilder.DropColumn(
                name: "MergedIntoNumber",
                table: "Incidents");
        }
    }
}
