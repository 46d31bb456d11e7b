import {
  DATE_RANGE_PRESETS,
  dateRangeSchema,
} from 'src/modules/generators/date-ranges/date-range.schema';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';

function probeType(dateRange: object): ReportTypeProvider {
  return {
    id: 'probe',
    name: 'Probe',
    description: 'Takes only a date range.',
    requiredPermission: 'probe:read',
    outputFormats: ['csv'],
    parametersSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      required: ['date_range'],
      properties: { date_range: dateRange },
    },
    parametersExample: { date_range: { preset: 'yesterday' } },
    buildQuery: () => ({ sql: 'SELECT 1', params: [], columns: [] }),
  };
}

const registry = new ReportTypeRegistry([probeType(dateRangeSchema)]);
const errorsFor = (dateRange: unknown): string[] =>
  registry.validateParameters('probe', { date_range: dateRange });

describe('dateRangeSchema', () => {
  it.each(DATE_RANGE_PRESETS)('accepts preset %s on its own', (preset) => {
    expect(errorsFor({ preset })).toEqual([]);
  });

  it.each([
    ['2026-03-01', '2026-03-31'],
    ['2026-03-08', '2026-03-08'],
    ['2024-01-01', '2024-12-31'], // a leap year: 366 days
    ['2025-03-01', '2026-03-01'], // 366 days
  ])('accepts custom %s to %s', (from, to) => {
    expect(errorsFor({ preset: 'custom', from, to })).toEqual([]);
  });

  it('rejects an unknown preset, listing the allowed ones', () => {
    expect(errorsFor({ preset: 'last_week' })).toEqual([
      'report_parameters.date_range.preset must be one of: yesterday, last_7_days, previous_week, ' +
        'previous_month, month_to_date, previous_quarter, year_to_date, custom',
    ]);
  });

  it('requires a preset', () => {
    expect(errorsFor({})).toEqual(['report_parameters.date_range.preset is required']);
  });

  it('requires from and to with custom', () => {
    expect(errorsFor({ preset: 'custom' })).toEqual([
      "report_parameters.date_range.from is required when preset is 'custom'",
      "report_parameters.date_range.to is required when preset is 'custom'",
    ]);
  });

  it('forbids from and to with any other preset', () => {
    expect(errorsFor({ preset: 'previous_month', from: '2026-03-01' })).toEqual([
      "report_parameters.date_range.from is not allowed unless preset is 'custom'",
    ]);
    expect(errorsFor({ preset: 'yesterday', from: '2026-03-01', to: '2026-03-02' })).toEqual([
      "report_parameters.date_range.from is not allowed unless preset is 'custom'",
      "report_parameters.date_range.to is not allowed unless preset is 'custom'",
    ]);
  });

  it('rejects from after to', () => {
    expect(errorsFor({ preset: 'custom', from: '2026-03-31', to: '2026-03-01' })).toEqual([
      'report_parameters.date_range.from must be on or before to',
    ]);
  });

  it('rejects a span over 366 days', () => {
    expect(errorsFor({ preset: 'custom', from: '2025-01-01', to: '2026-01-02' })).toEqual([
      'report_parameters.date_range must span at most 366 days (2025-01-01 to 2026-01-02 is 367 days)',
    ]);
  });

  it.each(['2026-02-30', '2026/03/01', '2026-03-01T00:00:00Z', '20260301'])(
    'rejects %s as a date, without an order error on top',
    (from) => {
      expect(errorsFor({ preset: 'custom', from, to: '2026-03-31' })).toEqual([
        'report_parameters.date_range.from must be a real date in YYYY-MM-DD form',
      ]);
    },
  );

  it('rejects unknown keys and a non-object', () => {
    expect(errorsFor({ preset: 'yesterday', timezone: 'UTC' })).toEqual([
      "report_parameters.date_range has an unknown key 'timezone'",
    ]);
    expect(errorsFor('yesterday')).toEqual(['report_parameters.date_range must be an object']);
  });

  it('x-date-span rejects a malformed limit when the schema is compiled', () => {
    const broken = { ...dateRangeSchema, 'x-date-span': { maxDays: 0 } };
    expect(() => new ReportTypeRegistry([probeType(broken)])).toThrow(
      "Report type 'probe' has an invalid parameters schema",
    );
  });
});
