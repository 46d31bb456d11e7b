import { OUTPUT_FORMATS } from 'src/domain/vocabulary';
import { InvoiceSummaryProvider } from 'src/modules/generators/report-types/invoice-summary.provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';

const provider = new InvoiceSummaryProvider();
const registry = new ReportTypeRegistry([provider]);
const errorsFor = (params: unknown): string[] =>
  registry.validateParameters('invoice_summary', params);
const lastMonth = { preset: 'previous_month' };

describe('InvoiceSummaryProvider', () => {
  it('is billing data in every format', () => {
    expect(provider.id).toBe('invoice_summary');
    expect(provider.requiredPermission).toBe('billing:read');
    expect(registry.formatsOf(provider)).toEqual(OUTPUT_FORMATS);
  });

  it('accepts its example and a bare date range', () => {
    expect(errorsFor(provider.parametersExample)).toEqual([]);
    expect(errorsFor({ date_range: lastMonth })).toEqual([]);
  });

  it('requires a date range', () => {
    expect(errorsFor({ currency: 'USD' })).toEqual(['report_parameters.date_range is required']);
  });

  it('rejects an unknown status and a repeated one', () => {
    expect(errorsFor({ date_range: lastMonth, statuses: ['paid', 'refunded'] })).toEqual([
      'report_parameters.statuses[1] must be one of: draft, open, paid, void, uncollectible',
    ]);
    expect(errorsFor({ date_range: lastMonth, statuses: ['paid', 'paid'] })).toEqual([
      'report_parameters.statuses must not repeat a value (items 0 and 1 are equal)',
    ]);
  });

  it.each(['usd', 'US', 'USDT', 'US1'])('rejects currency %s', (currency) => {
    expect(errorsFor({ date_range: lastMonth, currency })).toEqual([
      "report_parameters.currency must match ^[A-Z]{3}$ (for example 'USD')",
    ]);
  });

  it('rejects customer ids that are not UUIDs, and more than 100 of them', () => {
    const ids = ['3f1c2b7e-8a4d-4c5e-9f60-1a2b3c4d5e6f', 'cus_123'];
    expect(errorsFor({ date_range: lastMonth, customer_ids: ids })).toEqual([
      'report_parameters.customer_ids[1] must be a UUID',
    ]);
    const many = Array.from(
      { length: 101 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect(errorsFor({ date_range: lastMonth, customer_ids: many })).toEqual([
      'report_parameters.customer_ids must have at most 100 items',
    ]);
  });

  it('rejects an unknown sort', () => {
    expect(errorsFor({ date_range: lastMonth, sort_by: 'amount', sort_direction: 'up' })).toEqual([
      'report_parameters.sort_by must be one of: issued_at, due_date, total, customer_name',
      'report_parameters.sort_direction must be one of: asc, desc',
    ]);
  });

  it('sorts by issue date, ascending, by default', () => {
    expect(registry.applyDefaults('invoice_summary', { date_range: lastMonth })).toEqual({
      date_range: lastMonth,
      sort_by: 'issued_at',
      sort_direction: 'asc',
    });
  });
});
