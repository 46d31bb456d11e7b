import type { ExecutionStateRepository } from '../execution-state.repository';

/**
 * An attempt's hold on its run while it generates: renewed every third of its length while the
 * attempt lives, so it expires soon after the attempt stops (killed, frozen, cut off from the
 * database) and only then may another attempt take over. `signal` aborts the work when the
 * lease is found lost (another attempt holds the run) or when the worker hands the run back.
 */
export class GenerationLease {
  private readonly lost = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  readonly signal: AbortSignal;

  constructor(
    state: ExecutionStateRepository,
    execution: { id: string; organization_id: string },
    readonly id: string,
    leaseMs: number,
    private readonly handBack: AbortSignal,
  ) {
    this.signal = AbortSignal.any([this.lost.signal, handBack]);
    this.heartbeat = setInterval(
      () =>
        void state
          .renew(execution.organization_id, execution.id, id, leaseMs)
          // Unreachable database: the lease runs out, and `complete` tells who won.
          .then(
            (held) => held || this.lost.abort(new Error('lease lost')),
            () => undefined,
          ),
      Math.max(200, Math.floor(leaseMs / 3)),
    );
  }

  /** The worker is shutting down and asked for the run back. */
  get handedBack(): boolean {
    return this.handBack.aborted;
  }

  get isLost(): boolean {
    return this.lost.signal.aborted;
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }
}
