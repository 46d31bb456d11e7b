import { Module } from '@nestjs/common';
import { Clock } from 'src/common/clock';
import { OrganizationsModule } from 'src/modules/organizations/organizations.module';
import { RunNowLimiter } from './run-now.limiter';

@Module({
  imports: [OrganizationsModule],
  providers: [RunNowLimiter, Clock],
  exports: [RunNowLimiter],
})
export class RateLimitsModule {}
