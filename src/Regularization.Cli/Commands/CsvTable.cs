using System.Globalization;

namespace Regularization.Cli.Commands;

/// <summary>A numeric CSV: a header row of column names, then rows of numbers (comma-separated, invariant culture).</summary>
internal sealed record CsvTable(string Path, IReadOnlyList<string> Columns, double[][] Rows)
{
    /// <summary>Reads the file; every problem is a <see cref="ExitCodes.Data"/> error naming the file, line and column.</summary>
    public static CsvTable Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            throw Data($"{path}: cannot read the file ({e.Message.TrimEnd('.')})");
        }

        var header = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                header = i;
                break;
            }
        }

        if (header < 0)
        {
            throw Data($"{path}: the file is empty; it needs a header row and at least 2 rows of numbers");
        }

        var columns = Split(lines[header]).Select(c => c.Trim().Trim('"')).ToArray();
        if (columns.Length < 2)
        {
            throw Data($"{path}: the header has {columns.Length} column; it needs at least one feature and the target");
        }

        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Data($"{path}: the header names the column '{duplicate.Key}' twice");
        }

        var rows = new List<double[]>();
        for (var i = header + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }

            var fields = Split(lines[i]);
            if (fields.Length != columns.Length)
            {
                throw Data($"{path} line {i + 1}: {fields.Length} fields, but the header has {columns.Length} columns");
            }

            var row = new double[fields.Length];
            for (var j = 0; j < fields.Length; j++)
            {
                var text = fields[j].Trim().Trim('"');
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]) || !double.IsFinite(row[j]))
                {
                    throw Data($"{path} line {i + 1}, column '{columns[j]}': '{text}' is not a finite number");
                }
            }

            rows.Add(row);
        }

        if (rows.Count < 2)
        {
            throw Data($"{path}: {rows.Count} row of numbers; at least 2 are needed");
        }

        return new CsvTable(path, columns, rows.ToArray());
    }

    private static string[] Split(string line) => line.Split(',');

    private static CliException Data(string message) => new(ExitCodes.Data, "data: " + message + ".");
}
