using System.Data.Common;

namespace TbrmFlow.Testing;

/// <summary>Reads every row of a query as raw values, for tests that compare databases (SQLite or PostgreSQL).</summary>
public static class DbRows
{
    /// <summary>Runs <paramref name="command"/> and returns its rows.</summary>
    public static List<object[]> Read(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}
