/**
 * Prints `rows` as a plain-text table: `columns` are `[title, (row) => cell text]`; the first and last columns are
 * left-aligned (names and notes), the others right-aligned (figures).
 */
export function printColumns(columns, rows) {
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i].length)));
  const format = (line) =>
    line
      .map((cell, i) => (i === 0 || i === line.length - 1 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(format(cells[0]));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of cells.slice(1)) console.log(format(line));
}
