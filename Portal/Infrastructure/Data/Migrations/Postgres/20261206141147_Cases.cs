using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Portal.Infrastructure.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Cases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Advertisers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Marketplace = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    Language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    BillingEmails = table.Column<List<string>>(type: "text[]", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MonthlySpendUsd = table.Column<decimal>(type: "numeric", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Advertisers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CaseMails",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseNumber = table.Column<long>(type: "bigint", nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "character varying(22000)", maxLength: 22000, nullable: false),
                    MessageId = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    InReplyTo = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    References = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseMails", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CaseSlaPolicies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Priority = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    FirstReplyMinutes = table.Column<int>(type: "integer", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "integer", nullable: true),
                    BusinessHours = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseSlaPolicies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IncidentCaseUpdates",
                columns: table => new
                {
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Cases = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentCaseUpdates", x => x.IncidentNumber);
                    table.ForeignKey(
                        name: "FK_IncidentCaseUpdates_Incidents_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QualitySamples",
                columns: table => new
                {
                    WeekStart = table.Column<DateOnly>(type: "date", nullable: false),
                    DrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Reviews = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualitySamples", x => x.WeekStart);
                });

            migrationBuilder.CreateTable(
                name: "QualityScorecards",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Categories = table.Column<string>(type: "text", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualityScorecards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RegionCalendars",
                columns: table => new
                {
                    Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Opens = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    Closes = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    WorkingDays = table.Column<string>(type: "text", nullable: false),
                    Holidays = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RegionCalendars", x => x.Region);
                });

            migrationBuilder.CreateTable(
                name: "SupportRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CaseNumber = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupportRequests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Cases",
                columns: table => new
                {
                    Number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AdvertiserId = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Priority = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AssigneeId = table.Column<int>(type: "integer", nullable: true),
                    TeamId = table.Column<int>(type: "integer", nullable: true),
                    Region = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    DisputedAmount = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    RequesterEmail = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FirstRepliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PublicReplies = table.Column<int>(type: "integer", nullable: false),
                    ReopenCount = table.Column<int>(type: "integer", nullable: false),
                    LastReopenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MergedIntoNumber = table.Column<long>(type: "bigint", nullable: true),
                    FollowUpOfNumber = table.Column<long>(type: "bigint", nullable: true),
                    ClocksPausedSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FirstReplyDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolutionDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FirstReplyBreached = table.Column<bool>(type: "boolean", nullable: false),
                    ResolutionBreached = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cases", x => x.Number);
                    table.ForeignKey(
                        name: "FK_Cases_Advertisers_AdvertiserId",
                        column: x => x.AdvertiserId,
                        principalTable: "Advertisers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Cases_People_AssigneeId",
                        column: x => x.AssigneeId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Cases_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "CaseEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseNumber = table.Column<long>(type: "bigint", nullable: false),
                    CaseVersion = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ActorId = table.Column<int>(type: "integer", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    From = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    To = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaseEvents_Cases_CaseNumber",
                        column: x => x.CaseNumber,
                        principalTable: "Cases",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CaseIncidents",
                columns: table => new
                {
                    CaseNumber = table.Column<long>(type: "bigint", nullable: false),
                    IncidentNumber = table.Column<long>(type: "bigint", nullable: false),
                    LinkedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LinkedBy = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseIncidents", x => new { x.CaseNumber, x.IncidentNumber });
                    table.ForeignKey(
                        name: "FK_CaseIncidents_Cases_CaseNumber",
                        column: x => x.CaseNumber,
                        principalTable: "Cases",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CaseIncidents_Incidents_IncidentNumber",
                        column: x => x.IncidentNumber,
                        principalTable: "Incidents",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CaseMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseNumber = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AuthorId = table.Column<int>(type: "integer", nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Attachments = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaseMessages_Cases_CaseNumber",
                        column: x => x.CaseNumber,
                        principalTable: "Cases",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CaseSurveys",
                columns: table => new
                {
                    CaseNumber = table.Column<long>(type: "bigint", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Score = table.Column<int>(type: "integer", nullable: true),
                    Comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseSurveys", x => x.CaseNumber);
                    table.ForeignKey(
                        name: "FK_CaseSurveys_Cases_CaseNumber",
                        column: x => x.CaseNumber,
                        principalTable: "Cases",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QualityReviews",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseNumber = table.Column<long>(type: "bigint", nullable: false),
                    ScorecardId = table.Column<int>(type: "integer", nullable: false),
                    EngineerId = table.Column<int>(type: "integer", nullable: false),
                    ReviewerId = table.Column<int>(type: "integer", nullable: false),
                    AssignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Ratings = table.Column<string>(type: "text", nullable: false),
                    Score = table.Column<double>(type: "double precision", nullable: true),
                    Comment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DisputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Dispute = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QualityReviews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QualityReviews_Cases_CaseNumber",
                        column: x => x.CaseNumber,
                        principalTable: "Cases",
                        principalColumn: "Number",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_QualityReviews_People_EngineerId",
                        column: x => x.EngineerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_QualityReviews_People_ReviewerId",
                        column: x => x.ReviewerId,
                        principalTable: "People",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_QualityReviews_QualityScorecards_ScorecardId",
                        column: x => x.ScorecardId,
                        principalTable: "QualityScorecards",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "CaseSlaPolicies",
                columns: new[] { "Id", "BusinessHours", "FirstReplyMinutes", "Priority", "ResolutionMinutes", "Tier" },
                values: new object[,]
                {
                    { 1, false, 60, "P1", 480, null },
                    { 2, false, 240, "P2", 1440, null },
                    { 3, true, 240, "P3", 1620, null },
                    { 4, true, 480, "P4", 2700, null },
                    { 5, true, 120, "P3", 1080, "Managed" },
                    { 6, true, 240, "P4", 1620, "Managed" }
                });

            migrationBuilder.InsertData(
                table: "QualityScorecards",
                columns: new[] { "Id", "Active", "Categories", "Name" },
                values: new object[] { 1, true, "[{\"Name\":\"Accuracy\",\"Weight\":3,\"Critical\":false},{\"Name\":\"Policy\",\"Weight\":2,\"Critical\":true},{\"Name\":\"Tone\",\"Weight\":2,\"Critical\":false},{\"Name\":\"Ownership\",\"Weight\":2,\"Critical\":false},{\"Name\":\"Incident linked where one existed\",\"Weight\":1,\"Critical\":false}]", "Billing support" });

            migrationBuilder.InsertData(
                table: "RegionCalendars",
                columns: new[] { "Region", "Closes", "Holidays", "Opens", "WorkingDays" },
                values: new object[,]
                {
                    { "AU", "18:00", "[\"2026-01-01\",\"2026-01-26\",\"2026-04-03\",\"2026-04-06\",\"2026-06-08\",\"2026-10-05\",\"2026-12-25\",\"2026-12-28\",\"2027-01-01\",\"2027-01-26\",\"2027-03-26\",\"2027-03-29\",\"2027-06-14\",\"2027-10-04\",\"2027-12-27\",\"2027-12-28\"]", "09:00", "[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]" },
                    { "EU", "18:00", "[\"2026-01-01\",\"2026-02-02\",\"2026-03-17\",\"2026-04-06\",\"2026-05-04\",\"2026-06-01\",\"2026-08-03\",\"2026-10-26\",\"2026-12-25\",\"2026-12-28\",\"2027-01-01\",\"2027-02-01\",\"2027-03-17\",\"2027-03-29\",\"2027-05-03\",\"2027-06-07\",\"2027-08-02\",\"2027-10-25\",\"2027-12-27\",\"2027-12-28\"]", "09:00", "[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]" },
                    { "JP", "18:00", "[\"2026-01-01\",\"2026-01-12\",\"2026-02-11\",\"2026-02-23\",\"2026-03-20\",\"2026-04-29\",\"2026-05-04\",\"2026-05-05\",\"2026-05-06\",\"2026-07-20\",\"2026-08-11\",\"2026-09-21\",\"2026-09-22\",\"2026-09-23\",\"2026-10-12\",\"2026-11-03\",\"2026-11-23\",\"2027-01-01\",\"2027-01-11\",\"2027-02-11\",\"2027-02-23\",\"2027-03-22\",\"2027-04-29\",\"2027-05-03\",\"2027-05-04\",\"2027-05-05\",\"2027-07-19\",\"2027-08-11\",\"2027-09-20\",\"2027-09-23\",\"2027-10-11\",\"2027-11-03\",\"2027-11-23\"]", "09:00", "[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]" },
                    { "MX", "18:00", "[\"2026-01-01\",\"2026-02-02\",\"2026-03-16\",\"2026-05-01\",\"2026-09-16\",\"2026-11-16\",\"2026-12-25\",\"2027-01-01\",\"2027-02-01\",\"2027-03-15\",\"2027-09-16\",\"2027-11-15\"]", "09:00", "[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]" },
                    { "US", "18:00", "[\"2026-01-01\",\"2026-01-19\",\"2026-02-16\",\"2026-05-25\",\"2026-06-19\",\"2026-07-03\",\"2026-09-07\",\"2026-10-12\",\"2026-11-11\",\"2026-11-26\",\"2026-12-25\",\"2027-01-01\",\"2027-01-18\",\"2027-02-15\",\"2027-05-31\",\"2027-06-18\",\"2027-07-05\",\"2027-09-06\",\"2027-10-11\",\"2027-11-11\",\"2027-11-25\",\"2027-12-24\"]", "09:00", "[\"Monday\",\"Tuesday\",\"Wednesday\",\"Thursday\",\"Friday\"]" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_Advertisers_AccountId",
                table: "Advertisers",
                column: "AccountId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Advertisers_Name",
                table: "Advertisers",
                column: "Name");

            migrationBuilder.CreateIndex(
                name: "IX_Advertisers_Region_Name",
                table: "Advertisers",
                columns: new[] { "Region", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseEvents_CaseNumber_Id",
                table: "CaseEvents",
                columns: new[] { "CaseNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseIncidents_IncidentNumber",
                table: "CaseIncidents",
                column: "IncidentNumber");

            migrationBuilder.CreateIndex(
                name: "IX_CaseMails_CaseNumber_Id",
                table: "CaseMails",
                columns: new[] { "CaseNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseMails_MessageId",
                table: "CaseMails",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CaseMails_NextAttemptAt",
                table: "CaseMails",
                column: "NextAttemptAt",
                filter: "\"SentAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CaseMessages_CaseNumber_Id",
                table: "CaseMessages",
                columns: new[] { "CaseNumber", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseMessages_CaseNumber_Kind_At",
                table: "CaseMessages",
                columns: new[] { "CaseNumber", "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseMessages_MessageId",
                table: "CaseMessages",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cases_AdvertiserId_Number",
                table: "Cases",
                columns: new[] { "AdvertiserId", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_AssigneeId_Status_Number",
                table: "Cases",
                columns: new[] { "AssigneeId", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_FirstReplyDueAt",
                table: "Cases",
                column: "FirstReplyDueAt",
                filter: "\"FirstRepliedAt\" IS NULL AND \"FirstReplyBreached\" = FALSE");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_FollowUpOfNumber_CreatedAt",
                table: "Cases",
                columns: new[] { "FollowUpOfNumber", "CreatedAt" },
                filter: "\"FollowUpOfNumber\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Metrics",
                table: "Cases",
                columns: new[] { "CreatedAt", "Region", "TeamId", "Category", "Channel", "Priority", "Status", "FirstRepliedAt", "SolvedAt", "PublicReplies", "ReopenCount", "FirstReplyBreached", "ResolutionBreached", "FirstReplyDueAt", "ResolutionDueAt", "MergedIntoNumber", "AssigneeId" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Open_Assignee",
                table: "Cases",
                columns: new[] { "AssigneeId", "Number" },
                filter: "\"Status\" NOT IN ('Solved', 'Closed')");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Open_Number",
                table: "Cases",
                column: "Number",
                filter: "\"Status\" NOT IN ('Solved', 'Closed')");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Open_Priority",
                table: "Cases",
                columns: new[] { "Priority", "Number" },
                filter: "\"Status\" NOT IN ('Solved', 'Closed')");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Open_Region",
                table: "Cases",
                columns: new[] { "Region", "Number" },
                filter: "\"Status\" NOT IN ('Solved', 'Closed')");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Region_Status_Number",
                table: "Cases",
                columns: new[] { "Region", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ResolutionDueAt",
                table: "Cases",
                column: "ResolutionDueAt",
                filter: "\"SolvedAt\" IS NULL AND \"ClosedAt\" IS NULL AND \"ResolutionBreached\" = FALSE");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Status_Number",
                table: "Cases",
                columns: new[] { "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_TeamId",
                table: "Cases",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_CaseSlaPolicies_Priority_Tier",
                table: "CaseSlaPolicies",
                columns: new[] { "Priority", "Tier" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CaseSurveys_AnsweredAt_Score",
                table: "CaseSurveys",
                columns: new[] { "AnsweredAt", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseSurveys_SentAt_Score",
                table: "CaseSurveys",
                columns: new[] { "SentAt", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityReviews_CaseNumber_ReviewerId",
                table: "QualityReviews",
                columns: new[] { "CaseNumber", "ReviewerId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QualityReviews_CompletedAt",
                table: "QualityReviews",
                column: "CompletedAt");

            migrationBuilder.CreateIndex(
                name: "IX_QualityReviews_EngineerId_CompletedAt",
                table: "QualityReviews",
                columns: new[] { "EngineerId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityReviews_ReviewerId_CompletedAt",
                table: "QualityReviews",
                columns: new[] { "ReviewerId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_QualityReviews_ScorecardId",
                table: "QualityReviews",
                column: "ScorecardId");

            migrationBuilder.CreateIndex(
                name: "IX_SupportRequests_Email_CreatedAt",
                table: "SupportRequests",
                columns: new[] { "Email", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SupportRequests_TokenHash",
                table: "SupportRequests",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CaseEvents");

            migrationBuilder.DropTable(
                name: "CaseIncidents");

            migrationBuilder.DropTable(
                name: "CaseMails");

            migrationBuilder.DropTable(
                name: "CaseMessages");

            migrationBuilder.DropTable(
                name: "CaseSlaPolicies");

            migrationBuilder.DropTable(
                name: "CaseSurveys");

            migrationBuilder.DropTable(
                name: "IncidentCaseUpdates");

            migrationBuilder.DropTable(
                name: "QualityReviews");

            migrationBuilder.DropTable(
                name: "QualitySamples");

            migrationBuilder.DropTable(
                name: "RegionCalendars");

            migrationBuilder.DropTable(
                name: "SupportRequests");

            migrationBuilder.DropTable(
                name: "Cases");

            migrationBuilder.DropTable(
                name: "QualityScorecards");

            migrationBuilder.DropTable(
                name: "Advertisers");
        }
    }
}
