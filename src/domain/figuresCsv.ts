// The managers' figures as one CSV for Excel: one line per figure (period, centre, area, measure,
// number), so a pivot table can sum by any of them. Danish Excel: semicolons, decimal comma.

export interface FigureRow {
  /** A month (YYYY-MM) or, for a counting week, the year and season ("2026 forår"). */
  period: string;
  /** A centre's name, or '' where the figure belongs to no centre (visits belong to services). */
  centre: string;
  /** What the figure is about: a service, "Screening", "Henvisning", ... */
  area: string;
  measure: string;
  value: number;
  /** Decimals to write (km and hours: 1); whole numbers otherwise. */
  decimals?: number;
}

export const CSV_HEADER = ['Periode', 'Center', 'Område', 'Nøgletal', 'Antal'];

/** Danish Excel reads "12,5" as a number; "12.5" would become a date or text. */
const number = (n: number, decimals = 0): string => n.toFixed(decimals).replace('.', ',');

export function csvCell(value: string): string {
  // A leading = + - @ makes Excel evaluate the cell as a formula (CSV injection); a quote makes it text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header line, then one line per row, in the order given; lines end in "\n", the last one too. */
export function figuresCsv(rows: readonly FigureRow[]): string {
  const lines = [CSV_HEADER.join(';')];
  for (const r of rows) lines.push([csvCell(r.period), csvCell(r.centre), csvCell(r.area), csvCell(r.measure), number(r.value, r.decimals)].join(';'));
  return lines.join('\n') + '\n';
}
