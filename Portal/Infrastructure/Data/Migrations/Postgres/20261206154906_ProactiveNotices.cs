using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProactiveNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProactiveNotices",
                columns: table => new
                {
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    Tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Advertisers = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProactiveNotices", x => x.IncidentNumber);
                    table.ForeignKey(
                        name: "FK_ProactiveNotices_Incidents_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProactiveRecipients",
                columns: table => new
                {
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    AdvertiserId = table.Column<int>(type: "integer", nullable: false),
                    NotifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProactiveRecipients", x => new { x.IncidentNumber, x.AdvertiserId });
                    table.ForeignKey(
                        name: "FK_ProactiveRecipients_Advertisers_AdvertiserId",
                        column: x => x.AdvertiserId,
                        principalTable: "Advertisers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ProactiveRecipients_ProactiveNotices_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "ProactiveNotices",
                        principalColumn: "IncidentNumber",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProactiveRecipients_AdvertiserId_NotifiedAt",
                table: "ProactiveRecipients",
                columns: new[] { "AdvertiserId", "NotifiedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ProactiveRecipients_NotifiedAt",
                table: "ProactiveRecipients",
                column: "NotifiedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProactiveRecipients");

            migrationBuilder.DropTable(
                name: "ProactiveNotices");
        }
    }
}
