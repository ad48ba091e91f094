// A plain-text table with aligned columns, wrapped to fit the terminal.

/** `columns`: [{ title, value: (row) => string }]. */
export function formatTable(rows, columns) {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row))));
  const widths = columns.map((column, i) => Math.max(column.title.length, ...cells.map((line) => line[i].length)));
  const line = (values) =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join(
    '\n',
  );
}
