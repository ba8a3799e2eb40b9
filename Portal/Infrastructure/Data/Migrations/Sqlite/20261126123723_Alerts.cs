using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Alerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Integrations",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    KeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    KeyHint = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    PreviousKeyHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PreviousKeyValidUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    ServiceId = table.Column<int>(type: "INTEGER", nullable: true),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    Region = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    AutoResolve = table.Column<bool>(type: "INTEGER", nullable: false),
                    VerifySignatures = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SeverityMap = table.Column<string>(type: "TEXT", nullable: false),
                    LabelMap = table.Column<string>(type: "TEXT", nullable: false),
                    Provisioned = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Integrations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Integrations_Services_ServiceId",
                        column: x => x.ServiceId,
                        principalTable: "Services",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Integrations_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IntegrationId = table.Column<int>(type: "INTEGER", nullable: false),
                    DedupKey = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    OpenKey = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    IncidentNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    SeverityWord = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    GroupKey = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Labels = table.Column<string>(type: "TEXT", nullable: false),
                    LastPayload = table.Column<string>(type: "TEXT", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Alerts_Incidents_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Alerts_Integrations_IntegrationId",
                        column: x => x.IntegrationId,
                        principalTable: "Integrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_IncidentNumber_Id",
                table: "Alerts",
                columns: new[] { "IncidentNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_IntegrationId_DedupKey_Id",
                table: "Alerts",
                columns: new[] { "IntegrationId", "DedupKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_IntegrationId_GroupKey",
                table: "Alerts",
                columns: new[] { "IntegrationId", "GroupKey" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_IntegrationId_OpenKey",
                table: "Alerts",
                columns: new[] { "IntegrationId", "OpenKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Integrations_KeyHash",
                table: "Integrations",
                column: "KeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Integrations_Name",
                table: "Integrations",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Integrations_PreviousKeyHash",
                table: "Integrations",
                column: "PreviousKeyHash");

            migrationBuilder.CreateIndex(
                name: "IX_Integrations_ServiceId",
                table: "Integrations",
                column: "ServiceId");

            migrationBuilder.CreateIndex(
                name: "IX_Integrations_TeamId",
                table: "Integrations",
                column: "TeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "Integrations");
        }
    }
}
