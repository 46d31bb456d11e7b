import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Actor } from 'src/common/auth/actor';
import { Clock } from 'src/common/clock';
import { NotFoundError } from 'src/common/errors/domain-error';
import { ErrorCode } from 'src/common/errors/error-codes';
import { TransactionScope } from 'src/database/transaction-scope';
import { AuditService } from 'src/modules/audit/audit.service';
import { SlackIntegrationDto } from './dto/slack-integration.dto';
import { WebhookSecretDto } from './dto/webhook-secret.dto';
import { IntegrationsRepository } from './integrations.repository';
import {
  OrganizationSecretsService,
  WEBHOOK_SECRET_GRACE_MS,
} from './organization-secrets.service';
import { OrganizationsService } from './organizations.service';

/**
 * The org's Slack token and webhook signing secret. Secrets go in sealed and come
 * back out only as a hint, except a new webhook secret, which its admin sees exactly once. Audit
 * entries say what changed, never the secret.
 */
@Injectable()
export class IntegrationsService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly repository: IntegrationsRepository,
    private readonly secrets: OrganizationSecretsService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionScope,
    private readonly clock: Clock,
  ) {}

  async getSlack(actor: Actor): Promise<SlackIntegrationDto> {
    const org = await this.organizations.getOrganization(actor.orgId);
    const integration = this.secrets.slackIntegration(org);
    if (!integration) return { configured: false };
    return slackDto(integration.token, integration.updatedAt);
  }

  async setSlack(actor: Actor, botToken: string): Promise<SlackIntegrationDto> {
    const now = this.clock.now();
    const sealed = this.secrets.sealSlackIntegration(actor.orgId, botToken, now);
    const dto = slackDto(botToken, now);
    await this.transactions.run(async () => {
      if (!(await this.repository.setSlackToken(actor.orgId, sealed))) throw orgNotFound(actor);
      await this.audit.record(actor, {
        action: 'integration.slack.updated',
        resourceType: 'organization',
        resourceId: actor.orgId,
        details: { configured: true, token_hint: dto.token_hint },
      });
    });
    return dto;
  }

  /** Disconnects Slack; a no-op (and no audit entry) when it was not configured. */
  async removeSlack(actor: Actor): Promise<void> {
    const org = await this.organizations.getOrganization(actor.orgId);
    if (org.slack_bot_token_encrypted === null) return;
    await this.transactions.run(async () => {
      await this.repository.setSlackToken(actor.orgId, null);
      await this.audit.record(actor, {
        action: 'integration.slack.removed',
        resourceType: 'organization',
        resourceId: actor.orgId,
        details: { configured: false },
      });
    });
  }

  /**
   * A new secret becomes current at once; the one it replaces keeps signing (as a second `v1=`)
   * for 24 h so receivers can switch over. Rotating again within those 24 h drops the oldest.
   */
  async rotateWebhookSecret(actor: Actor): Promise<WebhookSecretDto> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const sealed = this.secrets.sealWebhookSecret(actor.orgId, secret);
    const previousExpiresAt = await this.transactions.run(async () => {
      const rotated = await this.repository.rotateWebhookSecret(actor.orgId, sealed, now);
      if (!rotated) throw orgNotFound(actor);
      const expiresAt = rotated.hasPrevious
        ? new Date(now.getTime() + WEBHOOK_SECRET_GRACE_MS).toISOString()
        : null;
      await this.audit.record(actor, {
        action: 'webhook_secret.rotated',
        resourceType: 'organization',
        resourceId: actor.orgId,
        details: { previous_secret_expires_at: expiresAt },
      });
      return expiresAt;
    });
    return {
      secret,
      rotated_at: now.toISOString(),
      previous_secret_expires_at: previousExpiresAt,
    };
  }
}

/** `xoxb-…UvWx`: enough to tell two tokens apart, far too little to use one. */
export function tokenHint(token: string): string {
  return `${token.slice(0, 5)}…${token.slice(-4)}`;
}

function slackDto(token: string, updatedAt: Date): SlackIntegrationDto {
  return { configured: true, token_hint: tokenHint(token), updated_at: updatedAt.toISOString() };
}

function orgNotFound(actor: Actor): NotFoundError {
  return new NotFoundError(ErrorCode.NOT_FOUND, `organization ${actor.orgId} not found`);
}
