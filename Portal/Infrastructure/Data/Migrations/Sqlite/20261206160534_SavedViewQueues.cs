using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SavedViewQueues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SavedViews_PersonId_Name",
                table: "SavedViews");

            migrationBuilder.AddColumn<string>(
                name: "Queue",
                table: "SavedViews",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "incidents");

            migrationBuilder.CreateIndex(
                name: "IX_SavedViews_PersonId_Queue_Name",
                table: "SavedViews",
                columns: new[] { "PersonId", "Queue", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SavedViews_PersonId_Queue_Name",
                table: "SavedViews");

            migrationBuilder.DropColumn(
                name: "Queue",
                table: "SavedViews");

            migrationBuilder.CreateIndex(
                name: "IX_SavedViews_PersonId_Name",
                table: "SavedViews",
                columns: new[] { "PersonId", "Name" },
                unique: true);
        }
    }
}
