import { INVOICE_SUMMARY_COLUMNS } from 'src/modules/generators/report-data/invoice-summary.query';
import { USAGE_REPORT_COLUMNS } from 'src/modules/generators/report-data/usage-report.query';
import { MAX_PERIODS, PeriodTotals } from './period-totals';

describe('PeriodTotals', () => {
  it('sums the total column by month and currency in cents, periods in order', () => {
    const totals = new PeriodTotals(INVOICE_SUMMARY_COLUMNS);
    const rows = [
      { issued_at: '2025-03-02 10:00:00', currency: 'EUR', total: '0.10' },
      { issued_at: '2025-02-27 10:00:00', currency: 'EUR', total: '100.05' },
      { issued_at: '2025-03-31 23:59:59', currency: 'EUR', total: '0.20' },
      { issued_at: '2025-03-05 00:00:00', currency: 'USD', total: '-5.00' },
      { issued_at: new Date('2025-03-09T00:00:00Z'), currency: 'USD', total: '1.5' },
    ];
    rows.forEach((row) => totals.add(row));
    expect(totals.result()).toEqual({
      period_column: 'Issued',
      amount_column: 'Total',
      truncated: false,
      totals: [
        { period: '2025-02', currency: 'EUR', rows: 1, amount: '100.05' },
        // 0.1 + 0.2 in floats would be 0.30000000000000004.
        { period: '2025-03', currency: 'EUR', rows: 2, amount: '0.30' },
        { period: '2025-03', currency: 'USD', rows: 2, amount: '-3.50' },
      ],
    });
  });

  it('sums a decimal quantity when the report has no money column', () => {
    const totals = new PeriodTotals(USAGE_REPORT_COLUMNS);
    totals.add({ period_start: '2025-01-01', quantity: '1.25' });
    totals.add({ period_start: '2025-01-08', quantity: '2' });
    expect(totals.result()).toMatchObject({
      period_column: 'Period start',
      amount_column: 'Quantity',
      totals: [{ period: '2025-01', currency: null, rows: 2, amount: '3.25' }],
    });
  });

  it('counts rows when there is nothing to sum, and keeps at most MAX_PERIODS periods', () => {
    const totals = new PeriodTotals([{ key: 'month', header: 'Month', type: 'string' }]);
    for (let i = 0; i < MAX_PERIODS + 10; i += 1) totals.add({ month: `m${1000 + i}` });
    totals.add({ month: 'm1000' });
    const result = totals.result();
    expect(result.amount_column).toBeNull();
    expect(result.totals).toHaveLength(MAX_PERIODS);
    expect(result.totals[0]).toEqual({ period: 'm1000', currency: null, rows: 2, amount: null });
    expect(result.truncated).toBe(true);
  });
});
