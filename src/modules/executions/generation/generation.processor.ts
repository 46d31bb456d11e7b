import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { isUUID } from 'class-validator';
import { AppConfigService } from 'src/config/app-config.service';
import { attemptOf } from 'src/queue/job-attempt';
import { GENERATE_JOB, GenerateReportJob, GENERATION_QUEUE } from 'src/queue/queue.constants';
import { GenerationOutcome, ReportGenerationService } from './report-generation.service';

/**
 * Thin processor: validate the payload, call the service, return. Registered at boot with the
 * configured concurrency, in worker processes only.
 */
@Injectable()
export class GenerationProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(GenerationProcessor.name);

  constructor(
    @InjectQueue(GENERATION_QUEUE) private readonly queue: Queue<GenerateReportJob>,
    private readonly generation: ReportGenerationService,
    private readonly config: AppConfigService,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(GENERATE_JOB, this.config.values.queue.generationConcurrency, (job) =>
      this.handle(job),
    );
  }

  async handle(job: Job<GenerateReportJob>): Promise<GenerationOutcome> {
    const { executionId, orgId } = job.data ?? {};
    if (!isUUID(executionId) || !isUUID(orgId)) {
      this.logger.error(`job ${job.id} has a malformed payload; dropped`);
      return { result: 'skipped', reason: 'malformed payload' };
    }
    return this.generation.generate({ executionId, orgId }, attemptOf(job));
  }
}
