import type { AppConfigService } from 'src/config/app-config.service';
import type { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';
import type { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import type { Member } from 'src/modules/organizations/entities/member.entity';
import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import { FakeMembers, newOrganization, ORG } from 'test/fakes/delivery.fakes';
import { FakeSchedules } from 'test/fakes/execution.fakes';
import { ScheduleAccessPolicy } from './schedule-access.policy';

const TYPES: Record<string, Partial<ReportTypeProvider>> = {
  invoice_summary: { id: 'invoice_summary', requiredPermission: 'billing:read' },
  audit_log_export: {
    id: 'audit_log_export',
    requiredPermission: 'audit:read',
    requiredRole: 'admin',
  },
};

function setup() {
  const members = new FakeMembers();
  const registry = { find: (id: string) => TYPES[id] };
  const config = { values: { outboundAllowHosts: [] } } as unknown as AppConfigService;
  const policy = new ScheduleAccessPolicy(
    members as unknown as MembersRepository,
    registry as unknown as ReportTypeRegistry,
    config,
  );
  const schedules = new FakeSchedules();
  const creator = (overrides: Partial<Member> = {}) =>
    members.add({ user_id: 'u-owner', permissions: ['billing:read'], ...overrides });
  return { policy, schedules, creator, members };
}

describe('ScheduleAccessPolicy', () => {
  describe('the creator', () => {
    it('qualifies while an active member holding the type’s permission', async () => {
      const { policy, schedules, creator } = setup();
      creator();
      expect(await policy.creatorProblem(schedules.add({ created_by: 'u-owner' }))).toBeNull();
    });

    it.each([
      ['gone', null, 'its creator u-owner is no longer a member'],
      ['deactivated', { is_active: false }, 'its creator u-owner was deactivated'],
      [
        'without the permission',
        { permissions: ['usage:read'] },
        'its creator u-owner no longer holds the billing:read permission',
      ],
    ])('does not once %s', async (_label, member, reason) => {
      const { policy, schedules, creator } = setup();
      if (member) creator(member as Partial<Member>);
      expect(await policy.creatorProblem(schedules.add({ created_by: 'u-owner' }))).toBe(reason);
    });

    it('needs the role a type requires (an admin demoted to editor loses the audit export)', async () => {
      const { policy, schedules, creator } = setup();
      creator({ permissions: ['audit:read'], roles: ['editor'] });
      const schedule = schedules.add({ created_by: 'u-owner', report_type: 'audit_log_export' });
      expect(await policy.creatorProblem(schedule)).toBe(
        'its creator u-owner no longer has the admin role',
      );
    });
  });

  describe('a recipient', () => {
    const org = (domains: string[]): Organization =>
      newOrganization({ id: ORG, allowed_email_domains: domains });

    it('is checked by the same rule as when the schedule was saved', async () => {
      const { policy } = setup();
      const recipient = { type: 'email' as const, value: 'ann@partner.example' };
      expect(await policy.recipientProblem(org(['partner.example']), recipient)).toBeNull();
      expect(await policy.recipientProblem(org(['acme.example']), recipient)).toMatch(
        /^recipient email 'ann@partner.example' is neither a member's address nor/,
      );
    });
  });
});
