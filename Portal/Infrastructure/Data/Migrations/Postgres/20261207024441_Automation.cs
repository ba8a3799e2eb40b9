using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Automation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AutomationActions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    LatestVersion = table.Column<int>(type: "integer", nullable: false),
                    PromotedVersion = table.Column<int>(type: "integer", nullable: true),
                    Killed = table.Column<bool>(type: "boolean", nullable: false),
                    ErrorsInARow = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutomationActions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AutomationSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    GlobalKill = table.Column<bool>(type: "boolean", nullable: false),
                    Freezes = table.Column<string>(type: "text", nullable: false),
                    SigningSecret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AutomationSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RuleFirings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RuleId = table.Column<int>(type: "integer", nullable: false),
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    TriggerEventId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RuleFirings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RunnerTokens",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunnerTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WorkflowRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Event = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Condition = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    EnabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WorkflowRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ActionRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ActionId = table.Column<int>(type: "integer", nullable: false),
                    ActionSlug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ActionVersion = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DryRun = table.Column<bool>(type: "boolean", nullable: false),
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: true),
                    TargetService = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    Inputs = table.Column<string>(type: "text", nullable: false),
                    RequestedById = table.Column<int>(type: "integer", nullable: true),
                    RequestedBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ApprovedById = table.Column<int>(type: "integer", nullable: true),
                    ApprovedBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DispatchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LeaseUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Runner = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    RefusedBy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Preview = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    Output = table.Column<string>(type: "character varying(4040)", maxLength: 4040, nullable: true),
                    Verification = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    VerifyBy = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RollbackOf = table.Column<long>(type: "bigint", nullable: true),
                    HealingRuleId = table.Column<int>(type: "integer", nullable: true),
                    AlertId = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActionRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ActionRuns_AutomationActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "AutomationActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ActionVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ActionId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PromotedBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    PromotedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActionVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ActionVersions_AutomationActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "AutomationActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "HealingRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    IntegrationId = table.Column<int>(type: "integer", nullable: true),
                    ServiceSlug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    AlertClass = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    ActionId = table.Column<int>(type: "integer", nullable: false),
                    Inputs = table.Column<string>(type: "text", nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HealingRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HealingRules_AutomationActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "AutomationActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ActionRuns_ActionId_RequestedAt",
                table: "ActionRuns",
                columns: new[] { "ActionId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ActionRuns_AlertId_HealingRuleId",
                table: "ActionRuns",
                columns: new[] { "AlertId", "HealingRuleId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ActionRuns_IdempotencyKey",
                table: "ActionRuns",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ActionRuns_IncidentNumber",
                table: "ActionRuns",
                column: "IncidentNumber");

            migrationBuilder.CreateIndex(
                name: "IX_ActionRuns_State_RequestedAt",
                table: "ActionRuns",
                columns: new[] { "State", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ActionVersions_ActionId_Number",
                table: "ActionVersions",
                columns: new[] { "ActionId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AutomationActions_Slug",
                table: "AutomationActions",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HealingRules_ActionId",
                table: "HealingRules",
                column: "ActionId");

            migrationBuilder.CreateIndex(
                name: "IX_RuleFirings_IncidentNumber_At",
                table: "RuleFirings",
                columns: new[] { "IncidentNumber", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_RuleFirings_RuleId_TriggerEventId",
                table: "RuleFirings",
                columns: new[] { "RuleId", "TriggerEventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunnerTokens_Name",
                table: "RunnerTokens",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunnerTokens_TokenHash",
                table: "RunnerTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WorkflowRules_Name",
                table: "WorkflowRules",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActionRuns");

            migrationBuilder.DropTable(
                name: "ActionVersions");

            migrationBuilder.DropTable(
                name: "AutomationSettings");

            migrationBuilder.DropTable(
                name: "HealingRules");

            migrationBuilder.DropTable(
                name: "RuleFirings");

            migrationBuilder.DropTable(
                name: "RunnerTokens");

            migrationBuilder.DropTable(
                name: "WorkflowRules");

            migrationBuilder.DropTable(
                name: "AutomationActions");
        }
    }
}
