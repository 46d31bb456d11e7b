import { Logger } from '@nestjs/common';
import { AppConfigService } from 'src/config/app-config.service';
import { Organization } from 'src/modules/organizations/entities/organization.entity';
import {
  OrganizationSecretsService,
  WEBHOOK_SECRET_GRACE_MS,
} from 'src/modules/organizations/organization-secrets.service';

const config = (appSecret: string) => ({ values: { appSecret } }) as unknown as AppConfigService;

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
  const secrets = new OrganizationSecretsService(config('unit-test-app-secret-0123456789'));
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

    it('treats a token sealed under another APP_SECRET as not configured', () => {
      const other = new OrganizationSecretsService(config('another-app-secret-0123456789'));
      const sealed = other.sealSlackIntegration(org().id, 'xoxb-1-2-abcd', now);
      expect(secrets.slackBotToken(org({ slack_bot_token_encrypted: sealed }))).toBeNull();
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
});
