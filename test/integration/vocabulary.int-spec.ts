import { Client } from 'pg';
import * as vocabulary from 'src/domain/vocabulary';
import { TEST_DATABASE_URL } from 'test/utils/test-env';

/** Which vocabulary list each enum-like check constraint of the schema must equal. */
const CONSTRAINT_LISTS: Record<string, readonly string[]> = {
  scheduled_reports_status_check: vocabulary.SCHEDULE_STATUSES,
  scheduled_reports_paused_by_check: vocabulary.PAUSERS,
  scheduled_reports_output_format_check: vocabulary.OUTPUT_FORMATS,
  report_executions_status_check: vocabulary.EXECUTION_STATUSES,
  report_executions_trigger_check: vocabulary.EXECUTION_TRIGGERS,
  report_deliveries_status_check: vocabulary.DELIVERY_STATUSES,
  report_deliveries_recipient_type_check: vocabulary.RECIPIENT_TYPES,
  notices_kind_check: vocabulary.NOTICE_KINDS,
  notices_status_check: vocabulary.NOTICE_STATUSES,
  outbox_events_type_check: vocabulary.DOMAIN_EVENT_TYPES,
  invoices_status_check: vocabulary.INVOICE_STATUSES,
  payments_method_check: vocabulary.PAYMENT_METHODS,
  organizations_overlap_policy_check: vocabulary.OVERLAP_POLICIES,
};

describe('the vocabulary and the database', () => {
  let enumChecks: Map<string, string[]>;

  beforeAll(async () => {
    const db = new Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      // The migrated schema's checks of the form `column = ANY (ARRAY['a'::text, ...])`.
      const { rows } = await db.query<{ name: string; definition: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition
           FROM pg_constraint
          WHERE contype = 'c' AND connamespace = 'public'::regnamespace
            AND pg_get_constraintdef(oid) LIKE '%= ANY (ARRAY[%'`,
      );
      enumChecks = new Map(
        rows.map((r) => [r.name, [...r.definition.matchAll(/'([^']*)'::text/g)].map((m) => m[1])]),
      );
    } finally {
      await db.end();
    }
  });

  it('has a vocabulary list for every enum-like check constraint', () => {
    expect([...enumChecks.keys()].sort()).toEqual(Object.keys(CONSTRAINT_LISTS).sort());
  });

  it.each(Object.entries(CONSTRAINT_LISTS))('%s allows exactly its list', (name, list) => {
    expect(enumChecks.get(name)).toEqual([...list]);
  });
});
