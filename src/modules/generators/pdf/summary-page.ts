import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BrowserPool } from './browser-pool';
import { MAX_PERIODS, type SummaryTotals } from './period-totals';

/** What the summary page shows besides the totals. */
export interface SummaryPageInput {
  title: string;
  brandName: string;
  summary: { label: string; value: string }[];
  dataAsOf: string;
  totals: SummaryTotals;
  empty: boolean;
  note: string | null;
}

/** Periods charted per currency, and currencies charted: the page stays one page. */
const CHART_PERIODS = 24;
const CHART_SERIES = 3;
/** Rows of the totals table on the page (the latest periods). */
const TABLE_ROWS = 30;
const CHART_WIDTH = 360;
const CHART_HEIGHT = 150;
const AXIS_X = 44;
const BASELINE = CHART_HEIGHT - 14;

let template: HandlebarsTemplateDelegate | undefined;

/**
 * Prints the page that heads every PDF report with Chromium: title, parameters, "data as of",
 * and the totals by period as an inline SVG bar chart (one per currency) and a table. One small
 * print, whatever the size of the report.
 */
export async function renderSummaryPage(
  input: SummaryPageInput,
  pool: BrowserPool,
): Promise<Uint8Array> {
  const html = loadTemplate()(summaryModel(input));
  return pool.renderPdf(html, {
    format: 'A4',
    landscape: true,
    printBackground: true,
    preferCSSPageSize: true,
    // Tags are dropped when the page is merged in front of the table (pdf-lib): see docs.
    tagged: false,
    outline: false,
  });
}

/** The template's data: every value here is escaped by `{{ }}`; numbers are computed here. */
export function summaryModel(input: SummaryPageInput) {
  const { totals } = input.totals;
  const amountOf = (t: (typeof totals)[number]) => (t.amount === null ? t.rows : Number(t.amount));
  const series = new Map<string, typeof totals>();
  for (const total of totals) {
    const key = total.currency ?? '';
    series.set(key, [...(series.get(key) ?? []), total]);
  }
  const charts = [...series.entries()]
    .sort((a, b) => rowCount(b[1]) - rowCount(a[1]))
    .slice(0, CHART_SERIES)
    .map(([currency, entries]) => {
      const shown = entries.slice(-CHART_PERIODS);
      const max = Math.max(0, ...shown.map(amountOf));
      const slot = (CHART_WIDTH - AXIS_X - 4) / Math.max(shown.length, 1);
      const bars = shown.map((entry, index) => {
        const value = amountOf(entry);
        const height = max > 0 ? Math.max(0, (value / max) * (BASELINE - 12)) : 0;
        const x = AXIS_X + 4 + index * slot;
        return {
          x: round(x + slot * 0.15),
          y: round(BASELINE - height),
          width: round(slot * 0.7),
          height: round(height),
          labelX: round(x + slot / 2),
          labelY: BASELINE + 9,
          label: entry.period.length > 7 ? entry.period.slice(0, 7) : entry.period,
        };
      });
      const measure = input.totals.amount_column ?? 'Rows';
      return {
        caption: currency ? `${measure} (${currency})` : measure,
        width: CHART_WIDTH,
        height: CHART_HEIGHT,
        axisX: AXIS_X,
        baseline: BASELINE,
        maxLabel: input.totals.amount_column === null ? String(max) : max.toFixed(2),
        bars,
      };
    });
  return {
    title: input.title,
    brandName: input.brandName,
    summary: input.summary,
    dataAsOf: input.dataAsOf,
    empty: input.empty,
    note: input.note,
    heading: `Totals by ${input.totals.period_column ?? 'period'}`,
    charts: input.empty ? [] : charts,
    periodColumn: input.totals.period_column ?? 'Period',
    amountColumn: input.totals.amount_column ?? '',
    showCurrency: totals.some((t) => t.currency !== null),
    rows: totals.slice(-TABLE_ROWS).map((t) => ({
      period: t.period,
      currency: t.currency ?? '',
      rows: t.rows.toLocaleString('en-US'),
      amount: t.amount ?? '',
    })),
    truncated: input.totals.truncated,
    maxPeriods: MAX_PERIODS,
  };
}

function rowCount(entries: { rows: number }[]): number {
  return entries.reduce((sum, entry) => sum + entry.rows, 0);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Compiled once; an isolated Handlebars environment so no global helper or partial leaks in. */
function loadTemplate(): HandlebarsTemplateDelegate {
  if (template) return template;
  const file = path.join(templatesRoot(), 'reports', 'summary.hbs');
  template = Handlebars.create().compile(readFileSync(file, 'utf8'), { strict: true });
  return template;
}

/**
 * The repository's top-level templates/ folder, found by walking up from this file so it works
 * from src/ (ts-jest, ts-node) and from dist/src/ alike. The build does not copy it: a deployment
 * ships templates/ beside dist/.
 */
function templatesRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates');
    if (existsSync(path.join(candidate, 'reports', 'summary.hbs'))) return candidate;
    if (path.dirname(dir) === dir) {
      throw new Error(`templates/reports not found above ${__dirname}`);
    }
  }
}
