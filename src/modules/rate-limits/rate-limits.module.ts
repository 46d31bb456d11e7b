import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Clock } from 'src/common/clock';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { EmailBudget } from './email-budget';
import { RateCounter } from './rate-counter';
import { RequestRateInterceptor } from './request-rate.interceptor';
import { RunNowLimiter } from './run-now.limiter';

@Module({
  imports: [OrganizationsModule],
  providers: [
    RateCounter,
    RunNowLimiter,
    EmailBudget,
    Clock,
    // Every route of the HTTP app: each member's requests per minute.
    { provide: APP_INTERCEPTOR, useClass: RequestRateInterceptor },
  ],
  exports: [RateCounter, RunNowLimiter, EmailBudget],
})
export class RateLimitsModule {}
