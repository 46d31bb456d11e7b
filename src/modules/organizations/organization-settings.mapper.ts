import { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { Organization } from './entities/organization.entity';

export function toOrganizationSettingsDto(org: Organization): OrganizationSettingsDto {
  return {
    allowed_email_domains: org.allowed_email_domains,
    max_active_schedules: org.max_active_schedules,
    max_recipients: org.max_recipients,
    run_now_per_hour: org.run_now_per_hour,
    retention_days: org.retention_days,
    history_days: org.history_days,
    audit_retention_days: org.audit_retention_days,
    max_concurrent_generations: org.max_concurrent_generations,
    overlap_policy: org.overlap_policy,
    attachment_limit_bytes: org.attachment_limit_bytes,
    link_ttl_hours: org.link_ttl_hours,
    email_budget_per_day: org.email_budget_per_day,
    brand_name: org.brand_name,
    slack_configured: org.slack_bot_token_encrypted !== null,
    webhook_secret_configured: org.webhook_secret !== null,
  };
}
