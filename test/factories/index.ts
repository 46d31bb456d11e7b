import { randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { DataSource } from 'typeorm';
import { TEST_JWT_SECRET } from 'test/utils/test-env';

export type Role = 'admin' | 'editor' | 'viewer';

export interface TestOrg {
  id: string;
}

export interface TestMember {
  orgId: string;
  sub: string;
  roles: Role[];
  permissions: string[];
  email: string;
  name: string;
}

export const ALL_PERMISSIONS = ['billing:read', 'usage:read', 'audit:read'];

/** A fresh organization with its own settings; each test owns its data. */
export async function newOrg(
  db: DataSource,
  settings: {
    allowed_email_domains?: string[];
    max_active_schedules?: number;
    max_recipients?: number;
  } = {},
): Promise<TestOrg> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO organizations (id, name, allowed_email_domains, max_active_schedules, max_recipients)
     VALUES ($1, $2, $3, $4, $5)`,
    [
      id,
      `Org ${id.slice(0, 8)}`,
      settings.allowed_email_domains ?? ['acme.example'],
      settings.max_active_schedules ?? 100,
      settings.max_recipients ?? 50,
    ],
  );
  return { id };
}

/** A member as its token will describe it (provisioned on its first request). */
export function newMember(
  orgId: string,
  overrides: Partial<Omit<TestMember, 'orgId'>> = {},
): TestMember {
  const sub = overrides.sub ?? `user-${randomUUID().slice(0, 8)}`;
  return {
    orgId,
    sub,
    roles: overrides.roles ?? ['editor'],
    permissions: overrides.permissions ?? ALL_PERMISSIONS,
    email: overrides.email ?? `${sub}@members.example`,
    name: overrides.name ?? `Member ${sub}`,
  };
}

export function tokenFor(
  member: TestMember,
  options: { expiresIn?: number; secret?: string; extraClaims?: Record<string, unknown> } = {},
): string {
  return sign(
    {
      sub: member.sub,
      org_id: member.orgId,
      roles: member.roles,
      permissions: member.permissions,
      email: member.email,
      name: member.name,
      ...options.extraClaims,
    },
    options.secret ?? TEST_JWT_SECRET,
    { algorithm: 'HS256', expiresIn: options.expiresIn ?? 600 },
  );
}

/** A valid create body; override any field. */
export function scheduleBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Weekly invoices',
    description: 'For finance',
    report_type: 'invoice_summary',
    schedule_config: {
      cadence: 'weekly',
      time: '09:00',
      timezone: 'America/New_York',
      day_of_week: 1,
    },
    recipients: [{ type: 'email', value: 'finance@acme.example' }],
    report_parameters: { date_range: { preset: 'previous_week' } },
    output_format: 'csv',
    ...overrides,
  };
}

/**
 * A completed run of `scheduleId` with a stored file, written straight to the table: for tests
 * about what may be done with a finished run (links, resends, revocations), not about running.
 */
export async function completedExecution(
  db: DataSource,
  orgId: string,
  scheduleId: string,
  trigger: 'schedule' | 'manual' = 'schedule',
): Promise<{ id: string; file_key: string }> {
  const fileKey = `org/${orgId}/executions/${randomUUID()}.csv`;
  const [execution] = await db.query(
    `INSERT INTO report_executions (organization_id, scheduled_report_id, trigger, scheduled_for,
                                    status, completed_at, file_key, file_size)
     VALUES ($1, $2, $3, now(), 'completed', now(), $4, 1) RETURNING id, file_key`,
    [orgId, scheduleId, trigger, fileKey],
  );
  return execution;
}

/** A failed email delivery of `executionId`: something an admin may resend. */
export async function failedEmailDelivery(
  db: DataSource,
  orgId: string,
  executionId: string,
): Promise<{ id: string }> {
  const [delivery] = await db.query(
    `INSERT INTO report_deliveries (organization_id, report_execution_id, recipient_type,
                                    recipient_value, status)
     VALUES ($1, $2, 'email', 'finance@acme.example', 'failed') RETURNING id`,
    [orgId, executionId],
  );
  return delivery;
}
