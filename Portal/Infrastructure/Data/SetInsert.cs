using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Infrastructure.Data;

/// <summary>
/// Saves a context whose new rows are many and plain (a batch of alert events) with one multi-row INSERT per table
/// instead of SaveChanges' statement and change-tracking work per row, which cost about 0.6 ms an event against 30 µs of
/// SQLite's own. The column names, value converters and parameter types are EF Core's own, from the model. Keys that
/// other new rows refer to are taken first (SQLite: past the table's highest key, inside the caller's write transaction;
/// PostgreSQL: from the column's identity sequence), so every row is written with its final values; other generated keys
/// are left to the database. Changes to rows already stored still go through SaveChanges, after the inserts.
/// </summary>
public static class SetInsert
{
    /// <summary>Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.</summary>
    private const int MaxParameters = 30_000;

    /// <summary>
    /// Inserts the Added entries, tables in <paramref name="order"/> (principals first), detaches them, then saves the
    /// rest. Needs an open transaction, so that the keys taken stay free and the whole batch commits or none of it. When
    /// an Added entry's type is not in the order, or not a plain one-table type, SaveChanges does everything as before.
    /// A database error comes out as a <see cref="DbUpdateException"/>, as from SaveChanges.
    /// With <c>keysBack</c>, every store-generated key is taken first (not only those other new rows refer to), so that
    /// the caller's entities hold their keys afterwards, as after SaveChanges.
    /// </summary>
    public static async Task SaveAsync(PortalDbContext db, IReadOnlyList<Type> order, CancellationToken cancellationToken, bool keysBack = false)
    {
        if (db.Database.CurrentTransaction is not { } transaction)
        {
            throw new InvalidOperationException("SetInsert needs the caller's transaction.");
        }
        var entries = db.ChangeTracker.Entries().ToList();
        var added = entries.Where(e => e.State == EntityState.Added).GroupBy(e => e.Metadata).ToDictionary(g => g.Key, g => g.ToList());
        var changed = entries.Any(e => e.State is EntityState.Modified or EntityState.Deleted);
        var types = order.Select(t => db.Model.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not in the model.")).ToList();
        if (added.Count == 0 || added.Keys.Any(t => !types.Contains(t) || !IsPlain(t)))
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        try
        {
            foreach (var type in types.Where(added.ContainsKey))
            {
                var rows = added[type];
                if (GeneratedKey(type, added.Keys, keysBack) is { } key)
                {
                    var next = await NextKeysAsync(db, type, key, rows.Count, cancellationToken);
                    for (var i = 0; i < rows.Count; i++)
                    {
                        rows[i].Property(key.Name).CurrentValue = Convert.ChangeType(next[i], key.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            foreach (var type in types.Where(added.ContainsKey))
            {
                await InsertAsync(db, transaction.GetDbTransaction(), type, added[type], cancellationToken);
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException("A set insert failed; the caller's transaction must roll back.", ex);
        }
        if (!changed)
        {
            // Nothing else to save (a batch of new alerts): forget them all at once, without fixing up each one.
            db.ChangeTracker.Clear();
            return;
        }
        foreach (var entry in added.Values.SelectMany(e => e))
        {
            entry.State = EntityState.Detached;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Whether every one of these types takes the set path (else their saves fall back to SaveChanges, correct but slower).</summary>
    public static bool Covers(IModel model, IReadOnlyList<Type> types) => types.All(t => model.FindEntityType(t) is { } type && IsPlain(type));

    /// <summary>One table, scalar columns only, no owned, complex or JSON-mapped parts, no computed or defaulted columns (worked out once a type).</summary>
    private static bool IsPlain(IEntityType type) => Plain.GetOrAdd(type, IsPlainType);

    private static bool IsPlainType(IEntityType type) =>
        type.GetTableName() is not null && type.GetTableMappings().Count() == 1 && !type.GetComplexProperties().Any() && !type.IsOwned()
        && !type.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && type.GetProperties().All(p => p.GetComputedColumnSql() is null && p.GetDefaultValueSql() is null && !p.TryGetDefaultValue(out _)
            && p.ValueGenerated is ValueGenerated.Never or ValueGenerated.OnAdd);

    /// <summary>The store-generated key of <paramref name="type"/> when another new row's foreign key points at it, or when the caller wants every key back.</summary>
    private static IProperty? GeneratedKey(IEntityType type, IEnumerable<IEntityType> added, bool keysBack)
    {
        var key = type.FindPrimaryKey();
        if (key is not { Properties: [{ ValueGenerated: ValueGenerated.OnAdd } property] })
        {
            return null;
        }
        return keysBack || added.Any(t => t != type && t.GetForeignKeys().Any(f => f.PrincipalEntityType == type)) ? property : null;
    }

    private static async Task<List<long>> NextKeysAsync(PortalDbContext db, IEntityType type, IProperty key, int count, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var table = type.GetTableName()!;
        var column = key.GetColumnName(StoreObjectIdentifier.Table(table, type.GetSchema()))!;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (db.Database.IsNpgsql())
        {
            // The identity sequence hands out numbers no other node or transaction gets, even if this one rolls back.
            command.CommandText = $"SELECT nextval(pg_get_serial_sequence('{sql.DelimitIdentifier(table, type.GetSchema())}', '{column}')) FROM generate_series(1, {count})";
            var keys = new List<long>(count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(reader.GetInt64(0));
            }
            return keys;
        }
        // SQLite: the caller's transaction holds the database's write lock (Microsoft.Data.Sqlite begins IMMEDIATE), so
        // nobody else takes these. AUTOINCREMENT never hands a number out twice, even a deleted row's: start past both.
        command.CommandText = $"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), coalesce((SELECT max({sql.DelimitIdentifier(column)}) FROM {sql.DelimitIdentifier(table)}), 0))";
        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(1, count).Select(i => last + i)];
    }

    /// <summary>
    /// A table's insert, worked out once per model type and set of generated columns left to the database: the columns,
    /// their mappings and the statement's head; and the statement text for the (small) row counts met.
    /// </summary>
    private sealed record Plan(List<(IProperty Property, RelationalTypeMapping Mapping)> Columns, string Head)
    {
        public const int MaxCachedRows = 64;
        public readonly ConcurrentDictionary<int, string> Texts = new();
    }

    private static string[] _names = [];

    /// <summary>The parameter name p<paramref name="index"/>, made once.</summary>
    private static string Name(int index)
    {
        var names = _names;
        if (index >= names.Length)
        {
            // Grown to the largest statement met (a few dozen on SQLite, thousands on PostgreSQL); a race only builds it twice.
            names = [.. Enumerable.Range(0, Math.Max(index + 1, names.Length * 2)).Select(i => $"p{i}")];
            _names = names;
        }
        return names[index];
    }

    private static readonly ConcurrentDictionary<(IEntityType Type, long LeftOut), Plan> Plans = new();

    private static readonly ConcurrentDictionary<IEntityType, bool> Plain = new();

    /// <summary>
    /// The plan for these rows. A generated key nobody refers to (still temporary) is left to the database; every other
    /// column is written as EF Core would. <c>LeftOut</c> has a bit for each generated property left out, counting the
    /// type's generated properties (a key or two) in model order.
    /// </summary>
    private static Plan PlanFor(PortalDbContext db, IEntityType type, EntityEntry first)
    {
        var leftOut = 0L;
        var generated = 0;
        foreach (var property in type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.OnAdd))
        {
            leftOut |= first.Property(property.Name).IsTemporary ? 1L << generated : 0;
            generated++;
        }
        return Plans.GetOrAdd((type, leftOut), key =>
        {
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = StoreObjectIdentifier.Table(key.Type.GetTableName()!, key.Type.GetSchema());
            var onAdd = key.Type.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.OnAdd).ToList();
            var columns = key.Type.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd || (key.LeftOut & (1L << onAdd.IndexOf(p))) == 0).ToList();
            var head = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.GetColumnName(table)!)))}) VALUES ";
            return new Plan([.. columns.Select(c => ((IProperty)c, (RelationalTypeMapping)c.GetRelationalTypeMapping()))], head);
        });
    }

    private static string Text(PortalDbContext db, Plan plan, int rowCount)
    {
        if (rowCount <= Plan.MaxCachedRows && plan.Texts.TryGetValue(rowCount, out var cached))
        {
            return cached;
        }
        var sql = db.GetService<ISqlGenerationHelper>();
        var text = new StringBuilder(plan.Head);
        for (var r = 0; r < rowCount; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < plan.Columns.Count; c++)
            {
                text.Append(c == 0 ? "" : ", ").Append(sql.GenerateParameterNamePlaceholder(Name(r * plan.Columns.Count + c)));
            }
            text.Append(')');
        }
        var built = text.ToString();
        if (rowCount <= Plan.MaxCachedRows)
        {
            plan.Texts.TryAdd(rowCount, built);
        }
        return built;
    }

    private static async Task InsertAsync(PortalDbContext db, DbTransaction transaction, IEntityType type, List<EntityEntry> rows, CancellationToken cancellationToken)
    {
        var plan = PlanFor(db, type, rows[0]);
        var columns = plan.Columns;
        // SQLite binds each parameter by a linear search of the statement's names, so a statement of many rows costs the
        // square of its parameters (measured: a fifth of the CPU). There, one prepared row is run once per row (no round
        // trip in-process); PostgreSQL gets rows by the thousand per statement, one round trip each.
        var npgsql = db.Database.IsNpgsql();
        var perStatement = npgsql ? Math.Max(1, MaxParameters / columns.Count) : 1;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        var shape = 0;
        foreach (var chunk in rows.Chunk(perStatement))
        {
            if (chunk.Length != shape)
            {
                shape = chunk.Length;
                command.CommandText = Text(db, plan, shape);
                if (!npgsql)
                {
                    // Compiled once; each row below only binds its values.
                    await command.PrepareAsync(cancellationToken);
                }
            }
            // Each value through its column's type mapping, as SaveChanges creates its parameters (converters included).
            command.Parameters.Clear();
            for (var r = 0; r < chunk.Length; r++)
            {
                var values = chunk[r].CurrentValues;
                for (var c = 0; c < columns.Count; c++)
                {
                    var (property, mapping) = columns[c];
                    if (property.ValueGenerated == ValueGenerated.OnAdd && chunk[r].Property(property.Name).IsTemporary)
                    {
                        throw new InvalidOperationException($"{type.DisplayName()}.{property.Name} still holds a temporary value.");
                    }
                    command.Parameters.Add(mapping.CreateParameter(command, Name(r * columns.Count + c), values[property], property.IsNullable));
                }
            }
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
