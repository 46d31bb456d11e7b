import type { ResolvedDateRange } from 'src/modules/generators/date-ranges/resolve-date-range';
import type { ReportColumn } from 'src/modules/generators/report-types/report-type-provider';

/** What a provider needs to build its query for one run. */
export interface ReportQueryContext {
  orgId: string;
  /** Parameters with the schema's defaults applied. */
  params: Record<string, unknown>;
  /** The date range resolved in the schedule's zone, when the type has one. */
  range: ResolvedDateRange | null;
  /** The slot's instant: "as of" date for aging-style reports. */
  runAt: Date;
  timezone: string;
}

/**
 * One report's SQL. Every value is a bind parameter ($1 is always the organization id);
 * anything that changes the SQL text (sort column, direction) comes from a fixed map.
 */
export interface ReportQuery {
  sql: string;
  params: unknown[];
  columns: ReportColumn[];
}

/** Collects bind parameters and returns their placeholders, so optional filters stay readable. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
