import { Injectable } from '@nestjs/common';
import { RateCounter } from './rate-counter';

const DAY = 86_400;

/**
 * The organization's daily budget of report emails (`email_budget_per_day`, UTC days), so a
 * runaway schedule or a resend loop cannot mail without end. Counted per delivery, so a retried
 * delivery spends once; uncounted (allowed) while Redis does not answer.
 */
@Injectable()
export class EmailBudget {
  constructor(private readonly counter: RateCounter) {}

  /** False when this delivery would go past the budget. */
  async spend(
    org: { id: string; email_budget_per_day: number },
    deliveryId: string,
  ): Promise<boolean> {
    const used = await this.counter.countOnce(`email-budget:${org.id}`, deliveryId, DAY);
    return used === null || used <= org.email_budget_per_day;
  }
}
