import { Module } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { EmailBudget } from './email-budget';
import { RateCounter } from './rate-counter';
import { RunNowLimiter } from './run-now.limiter';

@Module({
  imports: [OrganizationsModule],
  providers: [RateCounter, RunNowLimiter, EmailBudget, Clock],
  exports: [RateCounter, RunNowLimiter, EmailBudget],
})
export class RateLimitsModule {}
