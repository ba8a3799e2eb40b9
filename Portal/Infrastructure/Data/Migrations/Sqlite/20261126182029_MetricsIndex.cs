using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MetricsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Incidents_Metrics",
                table: "Incidents",
                columns: new[] { "TriggeredAt", "Severity", "Region", "TeamId", "ServiceId", "AcknowledgedAt", "MitigatedAt", "ResolvedAt", "AcknowledgeBreached", "MitigateBreached", "AdvertisersAffected", "RevenueAtRiskUsd" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Incidents_Metrics",
                table: "Incidents");
        }
    }
}
