import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';

/** One bar of the summary chart: the rows of a period (and currency) and their amount. */
export interface PeriodTotal {
  /** `YYYY-MM`, or the period column's own text when it is not a date. */
  period: string;
  /** The row's currency when the report has a currency column, else null. */
  currency: string | null;
  rows: number;
  /** The summed amount as a decimal string (money: two decimals), or null when rows are counted. */
  amount: string | null;
}

/** Totals by period, as stored in an execution's metadata (`summary_totals`) and mailed. */
export interface SummaryTotals {
  /** Heading of the column the periods come from; null when the report has none. */
  period_column: string | null;
  /** Heading of the column summed; null when only rows are counted. */
  amount_column: string | null;
  totals: PeriodTotal[];
  /** More distinct periods than MAX_PERIODS: the rows past them are in no total. */
  truncated: boolean;
}

/** Distinct (period, currency) pairs kept: bounds memory whatever the row count. */
export const MAX_PERIODS = 240;
const PREFERRED_AMOUNTS = ['total', 'revenue', 'balance', 'amount'];

/**
 * Sums one amount column by month while the rows stream past, in memory bounded by MAX_PERIODS.
 * The period is the first date column (or one named `month`/`period`); the amount the money
 * column the report is about (`total`, `revenue`, … else the first), else the first number
 * column, else rows are only counted. Money is summed in integer cents, never in floats.
 */
export class PeriodTotals {
  private readonly periodKey: string | null;
  private readonly amountKey: string | null;
  private readonly money: boolean;
  private readonly hasCurrency: boolean;
  private readonly byKey = new Map<string, { total: PeriodTotal; sum: bigint }>();
  private truncated = false;

  constructor(private readonly columns: ReportColumn[]) {
    const period =
      columns.find((c) => c.type === 'date' || c.type === 'datetime') ??
      columns.find((c) => c.key === 'month' || c.key === 'period');
    const moneys = columns.filter((c) => c.type === 'money');
    const amount =
      moneys.find((c) => PREFERRED_AMOUNTS.includes(c.key)) ??
      moneys[0] ??
      columns.find((c) => c.type === 'number' || (c.type === 'integer' && c.key !== 'rank'));
    this.periodKey = period?.key ?? null;
    this.amountKey = amount?.key ?? null;
    this.money = amount?.type === 'money';
    this.hasCurrency = columns.some((c) => c.key === 'currency');
  }

  add(record: Record<string, unknown>): void {
    const period = this.periodKey === null ? 'all' : periodOf(record[this.periodKey]);
    const currency = this.hasCurrency ? String(record.currency ?? '') : null;
    const key = `${period}\u0000${currency ?? ''}`;
    let entry = this.byKey.get(key);
    if (!entry) {
      if (this.byKey.size >= MAX_PERIODS) {
        this.truncated = true;
        return;
      }
      entry = {
        total: { period, currency, rows: 0, amount: null },
        sum: 0n,
      };
      this.byKey.set(key, entry);
    }
    entry.total.rows += 1;
    if (this.amountKey !== null) entry.sum += this.scaled(record[this.amountKey]);
  }

  /** The totals so far, periods in order. */
  result(): SummaryTotals {
    const headerOf = (key: string | null) =>
      key === null ? null : (this.columns.find((c) => c.key === key)?.header ?? key);
    const totals = [...this.byKey.values()]
      .map(({ total, sum }) => ({
        ...total,
        amount: this.amountKey === null ? null : this.format(sum),
      }))
      .sort(
        (a, b) =>
          a.period.localeCompare(b.period) || (a.currency ?? '').localeCompare(b.currency ?? ''),
      );
    return {
      period_column: headerOf(this.periodKey),
      amount_column: headerOf(this.amountKey),
      totals,
      truncated: this.truncated,
    };
  }

  /** Money in cents; other numbers in millionths (usage quantities have decimals too). */
  private scaled(value: unknown): bigint {
    const text = value === null || value === undefined ? '' : String(value).trim();
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!match) return 0n;
    const places = this.money ? 2 : 6;
    const fraction = (match[3] ?? '').padEnd(places, '0').slice(0, places);
    const magnitude = BigInt(match[2]) * 10n ** BigInt(places) + BigInt(fraction || '0');
    return match[1] === '-' ? -magnitude : magnitude;
  }

  private format(sum: bigint): string {
    const places = this.money ? 2 : 6;
    const negative = sum < 0n;
    const digits = (negative ? -sum : sum).toString().padStart(places + 1, '0');
    const whole = digits.slice(0, -places);
    const fraction = digits.slice(-places);
    const shown = this.money
      ? `${whole}.${fraction}`
      : `${whole}.${fraction}`.replace(/\.?0+$/, '');
    return `${negative ? '-' : ''}${shown}`;
  }
}

/** `YYYY-MM` of a date, a `YYYY-MM…` text, or the text itself (at most 20 characters). */
function periodOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 7);
  const text = value === null || value === undefined ? '' : String(value);
  if (/^\d{4}-\d{2}/.test(text)) return text.slice(0, 7);
  return text.slice(0, 20) || '(none)';
}
