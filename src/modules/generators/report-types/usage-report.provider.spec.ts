import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { UsageReportProvider } from 'src/modules/generators/report-types/usage-report.provider';

const provider = new UsageReportProvider();
const registry = new ReportTypeRegistry([provider]);
const errorsFor = (params: unknown): string[] =>
  registry.validateParameters('usage_report', params);
const lastWeek = { preset: 'previous_week' };

describe('UsageReportProvider', () => {
  it('is usage data', () => {
    expect(provider.id).toBe('usage_report');
    expect(provider.requiredPermission).toBe('usage:read');
  });

  it('accepts its example', () => {
    expect(errorsFor(provider.parametersExample)).toEqual([]);
  });

  it('rejects an unknown granularity', () => {
    expect(errorsFor({ date_range: lastWeek, granularity: 'hour' })).toEqual([
      'report_parameters.granularity must be one of: day, week, month',
    ]);
  });

  it.each(['API.requests', '1requests', 'api-requests', `a${'b'.repeat(64)}`])(
    'rejects metric name %s',
    (metric) => {
      expect(errorsFor({ date_range: lastWeek, metrics: [metric] })).toEqual([
        "report_parameters.metrics[0] must match ^[a-z][a-z0-9_.]{0,63}$ (for example 'api.requests')",
      ]);
    },
  );

  it('accepts up to 50 metrics, not 51', () => {
    const metrics = Array.from({ length: 51 }, (_, i) => `metric_${i}`);
    expect(errorsFor({ date_range: lastWeek, metrics: metrics.slice(0, 50) })).toEqual([]);
    expect(errorsFor({ date_range: lastWeek, metrics })).toEqual([
      'report_parameters.metrics must have at most 50 items',
    ]);
  });

  it('is daily by default', () => {
    expect(registry.applyDefaults('usage_report', { date_range: lastWeek })).toEqual({
      date_range: lastWeek,
      granularity: 'day',
    });
  });
});
