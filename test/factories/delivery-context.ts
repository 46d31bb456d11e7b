import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DeliveryContext } from 'src/modules/delivery/delivery-channel';

type Nested = 'recipient' | 'organization' | 'schedule' | 'execution';

/** Any top-level field, and any part of the four nested ones (merged over the defaults). */
export type DeliveryContextOverrides = Partial<Omit<DeliveryContext, Nested>> & {
  [K in Nested]?: Partial<DeliveryContext[K]>;
};

/** A complete DeliveryContext for channel tests: a weekly CSV to an email recipient. */
export function newDeliveryContext(overrides: DeliveryContextOverrides = {}): DeliveryContext {
  const file = Buffer.from('a,b\n1,2\n');
  const { recipient, organization, schedule, execution, ...top } = overrides;
  return {
    deliveryId: randomUUID(),
    attempt: 1,
    downloadUrl: 'https://reports.example/api/files/tok.en',
    linkExpiresAt: new Date('2026-11-12T08:00:00Z'),
    unsubscribeUrl: 'https://reports.example/api/unsubscribe/utok',
    historyUrl: 'https://reports.example/api/scheduled-reports/s-1/executions',
    openFile: async () => Readable.from([file]),
    memory: {},
    remember: async () => undefined,
    ...top,
    recipient: {
      type: 'email',
      value: 'eve@example.com',
      email: 'eve@example.com',
      timezone: 'Europe/Berlin',
      ...recipient,
    },
    organization: {
      id: 'org-1',
      name: 'Acme',
      brandName: 'Acme Billing',
      attachmentLimitBytes: 10 * 1024 * 1024,
      slackBotToken: null,
      webhookSecrets: [],
      ...organization,
    },
    schedule: {
      id: 's-1',
      name: 'Weekly invoices',
      reportType: 'invoice_summary',
      outputFormat: 'csv',
      timezone: 'Europe/Berlin',
      createdBy: 'u-1',
      ...schedule,
    },
    execution: {
      id: 'e-1',
      trigger: 'schedule',
      scheduledFor: new Date('2026-11-09T08:00:00Z'),
      completedAt: new Date('2026-11-09T08:00:05Z'),
      dataAsOf: new Date('2026-11-09T08:00:00Z'),
      rowsGenerated: 12,
      fileSize: file.length,
      fileName: 'Weekly_invoices_2026-11-09.csv',
      summaryTotals: null,
      contentType: 'text/csv',
      period: { from: '2026-11-02', to: '2026-11-08' },
      resource: {},
      ...execution,
    },
  };
}
