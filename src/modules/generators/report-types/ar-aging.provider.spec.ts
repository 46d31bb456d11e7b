import { ArAgingProvider } from 'src/modules/generators/report-types/ar-aging.provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';

const provider = new ArAgingProvider();
const registry = new ReportTypeRegistry([provider]);
const errorsFor = (params: unknown): string[] => registry.validateParameters('ar_aging', params);

describe('ArAgingProvider', () => {
  it('is billing data', () => {
    expect(provider.id).toBe('ar_aging');
    expect(provider.requiredPermission).toBe('billing:read');
  });

  it('accepts its example and no parameters at all', () => {
    expect(errorsFor(provider.parametersExample)).toEqual([]);
    expect(errorsFor({})).toEqual([]);
  });

  it('takes no date range: it ages open invoices as of the run date', () => {
    expect(errorsFor({ date_range: { preset: 'yesterday' } })).toEqual([
      "report_parameters has an unknown key 'date_range'",
    ]);
  });

  it('wants a whole, non-negative minimum balance in cents', () => {
    expect(errorsFor({ min_balance_cents: -1 })).toEqual([
      'report_parameters.min_balance_cents must be >= 0',
    ]);
    expect(errorsFor({ min_balance_cents: 10.5 })).toEqual([
      'report_parameters.min_balance_cents must be an integer',
    ]);
  });

  it('wants include_current as a boolean, true by default', () => {
    expect(errorsFor({ include_current: 'no' })).toEqual([
      'report_parameters.include_current must be a boolean',
    ]);
    expect(registry.applyDefaults('ar_aging', {})).toEqual({ include_current: true });
  });
});
