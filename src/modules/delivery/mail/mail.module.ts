import { MailerModule } from '@nestjs-modules/mailer';
import { Module } from '@nestjs/common';
import { AppConfigService } from 'src/config/app-config.service';
import { MailTemplates } from './mail-templates';
import { fromAddress, MailTransport, smtpTransportOptions } from './mail-transport';
import { NoticeMailer } from './notice-mailer';

/**
 * Outgoing email: nodemailer over SMTP_URL through @nestjs-modules/mailer, with our own
 * Handlebars templates (no mailer template adapter: it would compile from its own global
 * environment and without `strict`). Needs AppConfigService, which the global ConfigModule gives.
 */
@Module({
  imports: [
    MailerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        transport: smtpTransportOptions(config.values),
        defaults: { from: fromAddress(config.values.mail.from) },
      }),
    }),
  ],
  providers: [MailTemplates, MailTransport, NoticeMailer],
  exports: [MailTemplates, MailTransport, NoticeMailer],
})
export class MailModule {}
