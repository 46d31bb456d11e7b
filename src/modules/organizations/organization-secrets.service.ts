import { Injectable, Logger } from '@nestjs/common';
import { KeyRing } from 'src/common/crypto/key-ring';
import { SecretBox, SecretBoxError } from 'src/common/crypto/secret-box';
import { AppConfigService } from 'src/config/app-config.service';
import { Organization } from './entities/organization.entity';

/** How long the previous webhook secret keeps signing after a rotation. */
export const WEBHOOK_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

/** The columns of `organizations` that hold sealed values. */
export const SEALED_FIELDS = [
  'slack_bot_token_encrypted',
  'webhook_secret',
  'webhook_secret_previous',
] as const;
export type SealedField = (typeof SEALED_FIELDS)[number];

/** What a re-seal would write: each value not under the current key, sealed again with it. */
export interface ResealPlan {
  changes: { field: SealedField; from: string; to: string }[];
  /** Values that open with no key of the ring (or are malformed): left as they are. */
  unreadable: SealedField[];
}

/** The org's Slack bot token and when an admin set it. */
export interface SlackIntegration {
  token: string;
  updatedAt: Date;
}

/**
 * Seals and opens the organization's integration secrets, which rest encrypted in the
 * organizations row (a database dump alone reveals none of them). Each value is bound to its
 * organization's id, so a sealed value copied into another row does not open.
 */
@Injectable()
export class OrganizationSecretsService {
  private readonly logger = new Logger(OrganizationSecretsService.name);
  private readonly slackBox: SecretBox;
  private readonly webhookBox: SecretBox;

  constructor(config: AppConfigService) {
    const ring = new KeyRing(config.values.appKeys);
    this.slackBox = new SecretBox(ring, 'organization.slack_bot_token');
    this.webhookBox = new SecretBox(ring, 'organization.webhook_secret');
  }

  /** The decrypted Slack bot token, or null when none is configured (or it cannot be read). */
  slackBotToken(org: Organization): string | null {
    return this.slackIntegration(org)?.token ?? null;
  }

  slackIntegration(org: Organization): SlackIntegration | null {
    if (!org.slack_bot_token_encrypted) return null;
    const opened = this.tryOpen(this.slackBox, org, org.slack_bot_token_encrypted, 'Slack token');
    if (opened === null) return null;
    // The time travels inside the sealed value: the schema has no column for it.
    const parsed = JSON.parse(opened) as { token: string; updated_at: string };
    return { token: parsed.token, updatedAt: new Date(parsed.updated_at) };
  }

  /** The value for `slack_bot_token_encrypted`. */
  sealSlackIntegration(orgId: string, token: string, updatedAt: Date): string {
    return this.slackBox.seal(
      JSON.stringify({ token, updated_at: updatedAt.toISOString() }),
      orgId,
    );
  }

  /**
   * Webhook signing secrets, current first; the previous one too while within 24 h of the
   * rotation, so receivers can switch over without dropping a delivery.
   */
  webhookSecrets(org: Organization, now: Date): string[] {
    const secrets: string[] = [];
    if (org.webhook_secret) {
      const current = this.tryOpen(this.webhookBox, org, org.webhook_secret, 'webhook secret');
      if (current !== null) secrets.push(current);
    }
    const rotatedAt = org.webhook_secret_rotated_at?.getTime();
    // A rotation "in the future" (another process's clock runs ahead) still counts as recent:
    // signing with one secret too many is harmless, one too few drops deliveries.
    const inGrace = rotatedAt !== undefined && now.getTime() - rotatedAt < WEBHOOK_SECRET_GRACE_MS;
    if (org.webhook_secret_previous && inGrace) {
      const previous = this.tryOpen(
        this.webhookBox,
        org,
        org.webhook_secret_previous,
        'previous webhook secret',
      );
      if (previous !== null) secrets.push(previous);
    }
    return secrets;
  }

  /** The value for `webhook_secret`; on rotation it moves to `webhook_secret_previous` as is. */
  sealWebhookSecret(orgId: string, secret: string): string {
    return this.webhookBox.seal(secret, orgId);
  }

  /**
   * For a key rotation (`npm run keys:reseal`): every sealed value of the org that names another
   * key than the current one, opened with that key and sealed again with the current one, so the
   * old key can leave the ring. The plaintext does not change, nor does anything else in the row.
   */
  resealPlan(org: Organization): ResealPlan {
    const plan: ResealPlan = { changes: [], unreadable: [] };
    for (const field of SEALED_FIELDS) {
      const sealed = org[field];
      if (!sealed) continue;
      const box = field === 'slack_bot_token_encrypted' ? this.slackBox : this.webhookBox;
      try {
        if (box.isCurrent(sealed)) continue;
        plan.changes.push({ field, from: sealed, to: box.seal(box.open(sealed, org.id), org.id) });
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        plan.unreadable.push(field);
      }
    }
    return plan;
  }

  /**
   * An unreadable value (its key left the ring or changed, row edited by hand) counts as absent
   * rather than throwing: every delivery builds its context with these, and a broken Slack token
   * must not stop the org's emails. The log names the org; an admin fixes it by setting the secret again.
   */
  private tryOpen(box: SecretBox, org: Organization, sealed: string, what: string): string | null {
    try {
      return box.open(sealed, org.id);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      this.logger.error(
        `The ${what} of organization ${org.id} cannot be decrypted (${error.message}); ` +
          'treating it as not configured until an admin sets it again',
      );
      return null;
    }
  }
}
