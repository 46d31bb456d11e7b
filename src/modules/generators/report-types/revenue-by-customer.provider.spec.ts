import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { RevenueByCustomerProvider } from 'src/modules/generators/report-types/revenue-by-customer.provider';

const provider = new RevenueByCustomerProvider();
const registry = new ReportTypeRegistry([provider]);
const errorsFor = (params: unknown): string[] =>
  registry.validateParameters('revenue_by_customer', params);
const lastQuarter = { preset: 'previous_quarter' };

describe('RevenueByCustomerProvider', () => {
  it('is billing data', () => {
    expect(provider.id).toBe('revenue_by_customer');
    expect(provider.requiredPermission).toBe('billing:read');
  });

  it('accepts its example', () => {
    expect(errorsFor(provider.parametersExample)).toEqual([]);
  });

  it.each([
    [0, 'report_parameters.top_n must be >= 1'],
    [1001, 'report_parameters.top_n must be <= 1000'],
    [10.5, 'report_parameters.top_n must be an integer'],
    ['10', 'report_parameters.top_n must be an integer'],
  ])('rejects top_n %p', (topN, message) => {
    expect(errorsFor({ date_range: lastQuarter, top_n: topN })).toEqual([message]);
  });

  it('accepts top_n from 1 to 1000', () => {
    expect(errorsFor({ date_range: lastQuarter, top_n: 1 })).toEqual([]);
    expect(errorsFor({ date_range: lastQuarter, top_n: 1000 })).toEqual([]);
  });

  it('shows the top 50 by default', () => {
    expect(registry.applyDefaults('revenue_by_customer', { date_range: lastQuarter })).toEqual({
      date_range: lastQuarter,
      top_n: 50,
    });
  });
});
