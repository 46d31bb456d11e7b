import type { Job, Queue } from 'bull';
import { AttemptReturnedError, JobAttempt } from 'src/queue/job-attempt';
import type { GenerateReportJob } from 'src/queue/queue.constants';
import type { WorkerDrain } from 'src/queue/worker-drain';
import { fakeConfig, ORG } from 'test/fakes/execution.fakes';
import { GenerationProcessor } from './generation.processor';
import type { ReportGenerationService } from './report-generation.service';

const EXECUTION = '0b6c3d36-5f0e-4a53-9a4e-2f1f3c0d8a11';

function setup(outcome: () => Promise<unknown>) {
  const attempts: JobAttempt[] = [];
  const generation = {
    generate: async (_job: GenerateReportJob, attempt: JobAttempt) => {
      attempts.push(attempt);
      return outcome();
    },
  } as unknown as ReportGenerationService;
  const drain = { handBack: new AbortController().signal } as WorkerDrain;
  const processor = new GenerationProcessor(
    {} as Queue<GenerateReportJob>,
    generation,
    drain,
    fakeConfig({}, { attempts: 5, backoffMs: 100 }),
  );
  /** A Bull job as the processor sees it; `update` persists data as Bull would. */
  const job = (attemptsMade: number, returned?: number) => {
    const bullJob = {
      id: EXECUTION,
      attemptsMade,
      data: { executionId: EXECUTION, orgId: ORG, returned } as GenerateReportJob,
      update: async (data: GenerateReportJob) => {
        bullJob.data = data;
      },
    };
    return bullJob;
  };
  return { processor, attempts, job };
}

describe('GenerationProcessor', () => {
  it('counts only the tries that did work: one given back used no attempt', async () => {
    const { processor, attempts, job } = setup(async () => ({ result: 'completed', rows: 1 }));

    await processor.handle(job(3, 2) as unknown as Job<GenerateReportJob>);

    expect(attempts).toEqual([{ number: 2, max: 5 }]);
  });

  it('records a try given back, and lets Bull requeue it after the delay it names', async () => {
    const { processor, job } = setup(async () => {
      throw new AttemptReturnedError('another attempt is generating this run right now', 2500);
    });
    const bullJob = job(0);

    const error = await processor
      .handle(bullJob as unknown as Job<GenerateReportJob>)
      .catch((e: AttemptReturnedError) => e);

    expect(error).toMatchObject({ retryAfterMs: 2500 });
    expect(bullJob.data.returned).toBe(1);
  });

  it('backs a failed try off by the attempts it really used', async () => {
    const { processor, job } = setup(async () => {
      throw new Error('connection reset');
    });
    const bullJob = job(4, 3);

    const error = await processor
      .handle(bullJob as unknown as Job<GenerateReportJob>)
      .catch((e: Error & { retryAfterMs?: number }) => e);

    // Second real attempt: (2^2 - 1) × 100 ms, not the 3,100 ms Bull's own count would give.
    expect(error).toMatchObject({ message: 'connection reset', retryAfterMs: 300 });
    expect(bullJob.data.returned).toBe(3);
  });
});
