import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/auth/auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness with database and Redis status (no auth)' })
  @ApiOkResponse({
    description: 'All dependencies up',
    schema: {
      example: {
        status: 'ok',
        checks: {
          database: { status: 'up', latency_ms: 1 },
          redis: { status: 'up', latency_ms: 0 },
        },
      },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the body says which' })
  async check(@Res({ passthrough: true }) res: Response) {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503);
    return report;
  }
}
