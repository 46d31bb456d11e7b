import { withLogContext } from 'src/common/logging/log-context';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { isUUID } from 'class-validator';
import { AppConfigService } from 'src/config/app-config.service';
import { AttemptReturnedError, generationAttemptOf } from 'src/queue/job-attempt';
import { GENERATE_JOB, GenerateReportJob, GENERATION_QUEUE } from 'src/queue/queue.constants';
import { WorkerDrain } from 'src/queue/worker-drain';
import { GenerationOutcome, ReportGenerationService } from './report-generation.service';

/**
 * Thin processor: validate the payload, call the service, return. Registered at boot with the
 * configured concurrency, in worker processes only. It keeps Bull's count honest: a try that
 * gave the job back used no attempt, and every retry's delay is set here (GENERATION_BACKOFF).
 */
@Injectable()
export class GenerationProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GenerationProcessor.name);

  constructor(
    @InjectQueue(GENERATION_QUEUE) private readonly queue: Queue<GenerateReportJob>,
    private readonly generation: ReportGenerationService,
    private readonly drain: WorkerDrain,
    private readonly config: AppConfigService,
  ) {}

  onApplicationBootstrap(): void {
    void this.queue.process(GENERATE_JOB, this.config.values.queue.generationConcurrency, (job) =>
      this.drain.track(() => this.handle(job)),
    );
  }

  /** SIGTERM: finish or hand back what runs, before the modules jobs use are closed. */
  onModuleDestroy(): Promise<void> {
    return this.drain.drain();
  }

  async handle(job: Job<GenerateReportJob>): Promise<GenerationOutcome> {
    const { executionId, orgId } = job.data ?? {};
    if (!isUUID(executionId) || !isUUID(orgId)) {
      this.logger.error(`job ${job.id} has a malformed payload; dropped`);
      return { result: 'skipped', reason: 'malformed payload' };
    }
    const { attempts, backoffMs } = this.config.values.queue;
    const attempt = generationAttemptOf(job, attempts);
    try {
      return await withLogContext({ org_id: orgId, execution_id: executionId }, () =>
        this.generation.generate({ executionId, orgId }, attempt, this.drain.handBack),
      );
    } catch (error) {
      if (error instanceof AttemptReturnedError) {
        await job.update({ ...job.data, returned: (job.data.returned ?? 0) + 1 });
      } else {
        Object.assign(error as object, {
          retryAfterMs: Math.round((2 ** attempt.number - 1) * backoffMs),
        });
      }
      throw error;
    }
  }
}
