import { AuditLogExportProvider } from 'src/modules/generators/report-types/audit-log-export.provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';

const provider = new AuditLogExportProvider();
const registry = new ReportTypeRegistry([provider]);
const errorsFor = (params: unknown): string[] =>
  registry.validateParameters('audit_log_export', params);
const lastWeek = { preset: 'last_7_days' };

describe('AuditLogExportProvider', () => {
  it('is audit data, without a PDF', () => {
    expect(provider.id).toBe('audit_log_export');
    expect(provider.requiredPermission).toBe('audit:read');
    expect(provider.requiredRole).toBe('admin');
    expect(provider.outputFormats).not.toContain('pdf');
  });

  it('accepts its example and every filter together', () => {
    expect(errorsFor(provider.parametersExample)).toEqual([]);
    const all = {
      date_range: { preset: 'custom', from: '2026-01-01', to: '2026-01-31' },
      actions: ['schedule.updated'],
      actor: 'ana@example.com',
      resource_type: 'scheduled_report',
    };
    expect(errorsFor(all)).toEqual([]);
  });

  it('requires a date range', () => {
    expect(errorsFor({ actor: 'ana@example.com' })).toEqual([
      'report_parameters.date_range is required',
    ]);
  });

  it('rejects empty and non-string filters', () => {
    expect(errorsFor({ date_range: lastWeek, actions: [''], actor: '', resource_type: 7 })).toEqual(
      [
        'report_parameters.actions[0] must be at least 1 character long',
        'report_parameters.actor must be at least 1 character long',
        'report_parameters.resource_type must be a string',
      ],
    );
  });
});
