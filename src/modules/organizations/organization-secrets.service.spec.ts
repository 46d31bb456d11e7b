import { legacySeal } from 'test/utils/legacy-seal';
import { Logger } from '@nestjs/common';
import { AppConfigService } from 'src/config/app-config.service';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import {
  OrganizationSecretsService,
  WEBHOOK_SECRET_GRACE_MS,
} from 'src/modules/organizations/organization-secrets.service';

type Key = { id: string; secret: string };
const OLD: Key = { id: 'k0', secret: 'unit-test-app-secret-0123456789' };
const NEW: Key = { id: 'k1', secret: 'unit-test-next-secret-012345678' };
const config = (...appKeys: Key[]) => ({ values: { appKeys } }) as unknown as AppConfigService;

function org(overrides: Partial<Organization> = {}): Organization {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    slack_bot_token_encrypted: null,
    webhook_secret: null,
    webhook_secret_previous: null,
    webhook_secret_rotated_at: null,
    ...overrides,
  } as Organization;
}

describe('OrganizationSecretsService', () => {
  const secrets = new OrganizationSecretsService(config(OLD));
  const now = new Date('2026-11-28T12:00:00Z');

  beforeEach(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  describe('slack', () => {
    it('is null when no token is configured', () => {
      expect(secrets.slackBotToken(org())).toBeNull();
      expect(secrets.slackIntegration(org())).toBeNull();
    });

    it('opens what it sealed, with the time it was set', () => {
      const base = org();
      const sealed = secrets.sealSlackIntegration(base.id, 'xoxb-1-2-abcd', now);
      expect(sealed).not.toContain('xoxb');
      const stored = org({ slack_bot_token_encrypted: sealed });
      expect(secrets.slackBotToken(stored)).toBe('xoxb-1-2-abcd');
      expect(secrets.slackIntegration(stored)).toEqual({ token: 'xoxb-1-2-abcd', updatedAt: now });
    });

    it("does not open another organization's sealed token, and logs why", () => {
      const sealed = secrets.sealSlackIntegration('other-org', 'xoxb-1-2-abcd', now);
      expect(secrets.slackBotToken(org({ slack_bot_token_encrypted: sealed }))).toBeNull();
      expect(Logger.prototype.error).toHaveBeenCalledWith(
        expect.stringMatching(/Slack token of organization 11111111-.* cannot be decrypted/),
      );
    });

    it('treats a token sealed under another secret of the same key id as not configured', () => {
      const other = new OrganizationSecretsService(
        config({ id: 'k0', secret: 'another-app-secret-0123456789' }),
      );
      const sealed = other.sealSlackIntegration(org().id, 'xoxb-1-2-abcd', now);
      expect(secrets.slackBotToken(org({ slack_bot_token_encrypted: sealed }))).toBeNull();
    });

    it('reads a token sealed with the old key after a new key is put first', () => {
      const sealed = secrets.sealSlackIntegration(org().id, 'xoxb-1-2-abcd', now);
      const rotated = new OrganizationSecretsService(config(NEW, OLD));
      expect(rotated.slackBotToken(org({ slack_bot_token_encrypted: sealed }))).toBe(
        'xoxb-1-2-abcd',
      );
      const withoutOld = new OrganizationSecretsService(config(NEW));
      expect(withoutOld.slackBotToken(org({ slack_bot_token_encrypted: sealed }))).toBeNull();
      expect(Logger.prototype.error).toHaveBeenCalledWith(
        expect.stringMatching(/key 'k0', which is not in the key ring/),
      );
    });
  });

  describe('webhook secrets', () => {
    const id = org().id;
    const current = secrets.sealWebhookSecret(id, 'whsec_current');
    const previous = secrets.sealWebhookSecret(id, 'whsec_previous');
    const rotatedAt = new Date(now.getTime() - 60_000);
    const rotated = (at: Date | null) =>
      org({
        webhook_secret: current,
        webhook_secret_previous: previous,
        webhook_secret_rotated_at: at,
      });

    it('is empty when none was ever created', () => {
      expect(secrets.webhookSecrets(org(), now)).toEqual([]);
    });

    it('gives only the current one when there was no rotation', () => {
      expect(secrets.webhookSecrets(org({ webhook_secret: current }), now)).toEqual([
        'whsec_current',
      ]);
    });

    it('gives the current one first and the previous one within 24 h of the rotation', () => {
      expect(secrets.webhookSecrets(rotated(rotatedAt), now)).toEqual([
        'whsec_current',
        'whsec_previous',
      ]);
      const justInside = new Date(now.getTime() - WEBHOOK_SECRET_GRACE_MS + 1);
      expect(secrets.webhookSecrets(rotated(justInside), now)).toHaveLength(2);
    });

    it('drops the previous one 24 h after the rotation', () => {
      const atGraceEnd = new Date(now.getTime() - WEBHOOK_SECRET_GRACE_MS);
      expect(secrets.webhookSecrets(rotated(atGraceEnd), now)).toEqual(['whsec_current']);
    });

    it('ignores a previous secret without a rotation time', () => {
      expect(secrets.webhookSecrets(rotated(null), now)).toEqual(['whsec_current']);
    });

    it("keeps the previous one when the rotation time is ahead of this process's clock", () => {
      const future = new Date(now.getTime() + 60_000);
      expect(secrets.webhookSecrets(rotated(future), now)).toHaveLength(2);
    });

    it('skips a secret that cannot be decrypted and keeps the readable one', () => {
      const broken = org({
        webhook_secret: 'v1.tampered.value.here',
        webhook_secret_previous: previous,
        webhook_secret_rotated_at: rotatedAt,
      });
      expect(secrets.webhookSecrets(broken, now)).toEqual(['whsec_previous']);
      expect(Logger.prototype.error).toHaveBeenCalled();
    });
  });

  describe('re-seal for a key rotation', () => {
    const rotated = new OrganizationSecretsService(config(NEW, OLD));
    const onlyNew = new OrganizationSecretsService(config(NEW));
    const id = org().id;

    it('seals again with the new first key every value under an older key, unchanged inside', () => {
      const stored = org({
        slack_bot_token_encrypted: secrets.sealSlackIntegration(id, 'xoxb-1-2-abcd', now),
        webhook_secret: secrets.sealWebhookSecret(id, 'whsec_current'),
        webhook_secret_previous: secrets.sealWebhookSecret(id, 'whsec_previous'),
        webhook_secret_rotated_at: now,
      });
      const plan = rotated.resealPlan(stored);
      expect(plan.unreadable).toEqual([]);
      expect(plan.changes.map((c) => c.field)).toEqual([
        'slack_bot_token_encrypted',
        'webhook_secret',
        'webhook_secret_previous',
      ]);
      const resealed = org({
        ...stored,
        ...Object.fromEntries(plan.changes.map((c) => [c.field, c.to])),
      });
      for (const c of plan.changes) expect(c.from).toBe(stored[c.field]);
      // The old key can leave the ring now.
      expect(onlyNew.slackIntegration(resealed)).toEqual({
        token: 'xoxb-1-2-abcd',
        updatedAt: now,
      });
      expect(onlyNew.webhookSecrets(resealed, now)).toEqual(['whsec_current', 'whsec_previous']);
      expect(rotated.resealPlan(resealed)).toEqual({ changes: [], unreadable: [] });
    });

    it('re-seals values sealed before key ids (with k0)', () => {
      const legacy = legacySeal(OLD.secret, 'organization.webhook_secret', 'whsec_old', id);
      const plan = rotated.resealPlan(org({ webhook_secret: legacy }));
      expect(plan.changes).toHaveLength(1);
      expect(plan.changes[0].to).toMatch(/^v1\.k1\./);
      expect(onlyNew.webhookSecrets(org({ webhook_secret: plan.changes[0].to }), now)).toEqual([
        'whsec_old',
      ]);
    });

    it('leaves values it cannot open as they are, and names them', () => {
      const plan = rotated.resealPlan(
        org({ webhook_secret: 'v1.tampered.value.here', slack_bot_token_encrypted: null }),
      );
      expect(plan).toEqual({ changes: [], unreadable: ['webhook_secret'] });
    });
  });
});
