using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Incidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Incidents",
                columns: table => new
                {
                    Number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ServiceId = table.Column<int>(type: "integer", nullable: true),
                    TeamId = table.Column<int>(type: "integer", nullable: true),
                    Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    AssigneeId = table.Column<int>(type: "integer", nullable: true),
                    CommanderId = table.Column<int>(type: "integer", nullable: true),
                    TriggeredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MitigatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AdvertisersAffected = table.Column<int>(type: "integer", nullable: true),
                    RevenueAtRiskUsd = table.Column<decimal>(type: "numeric", nullable: true),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    ResolutionNote = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    AcknowledgeBreached = table.Column<bool>(type: "boolean", nullable: false),
                    MitigateBreached = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Incidents", x => x.Number);
                    table.ForeignKey(
                        name: "FK_Incidents_People_AssigneeId",
                        column: x => x.AssigneeId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Incidents_People_CommanderId",
                        column: x => x.CommanderId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Incidents_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Incidents_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SlaPolicies",
                columns: table => new
                {
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    AcknowledgeMinutes = table.Column<int>(type: "integer", nullable: true),
                    MitigateMinutes = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaPolicies", x => x.Severity);
                });

            migrationBuilder.CreateTable(
                name: "TimelineEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    IncidentVersion = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    ActorId = table.Column<int>(type: "integer", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Text = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    From = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    To = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TimelineEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TimelineEvents_Incidents_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "SlaPolicies",
                columns: new[] { "Severity", "AcknowledgeMinutes", "MitigateMinutes" },
                values: new object[,]
                {
                    { 1, 5, 60 },
                    { 2, 15, 240 },
                    { 3, 60, 1440 },
                    { 4, null, null },
                    { 5, null, null }
                });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_AssigneeId_Status_Number",
                table: "Incidents",
                columns: new[] { "AssigneeId", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_CommanderId",
                table: "Incidents",
                column: "CommanderId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Open_Assignee",
                table: "Incidents",
                columns: new[] { "AssigneeId", "Number" },
                filter: "\"Status\" <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Open_Number",
                table: "Incidents",
                column: "Number",
                filter: "\"Status\" <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Open_Region",
                table: "Incidents",
                columns: new[] { "Region", "Number" },
                filter: "\"Status\" <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Open_Severity",
                table: "Incidents",
                columns: new[] { "Severity", "Number" },
                filter: "\"Status\" <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Open_Team",
                table: "Incidents",
                columns: new[] { "TeamId", "Number" },
                filter: "\"Status\" <> 'Resolved'");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Region_Status_Number",
                table: "Incidents",
                columns: new[] { "Region", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_ServiceId",
                table: "Incidents",
                column: "ServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Severity_Number",
                table: "Incidents",
                columns: new[] { "Severity", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Status_Number",
                table: "Incidents",
                columns: new[] { "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Incidents_TeamId_Status_Number",
                table: "Incidents",
                columns: new[] { "TeamId", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_TimelineEvents_IncidentNumber_Id",
                table: "TimelineEvents",
                columns: new[] { "IncidentNumber", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SlaPolicies");

            migrationBuilder.DropTable(
                name: "TimelineEvents");

            migrationBuilder.DropTable(
                name: "Incidents");
        }
    }
}
