import type { OutputFormat, Role } from 'src/domain/vocabulary';
import type {
  ReportQuery,
  ReportQueryContext,
} from 'src/modules/generators/report-data/report-query';

/** One column of a generated report. */
export interface ReportColumn {
  key: string;
  header: string;
  type: 'string' | 'integer' | 'money' | 'date' | 'datetime' | 'number';
  /** Display format for the renderer, e.g. '0.00' or 'YYYY-MM-DD'. */
  format?: string;
  /** Column width in characters (xlsx, pdf). */
  width?: number;
}

/** A JSON Schema (draft-07) document, kept as plain data so GET /report-types can serve it as-is. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/**
 * A kind of report a schedule can run, listed by GET /report-types. To add one: a class
 * implementing this, its query (report-data/), and one entry in REPORT_TYPES (report-types.ts);
 * docs/extending.md walks through it.
 */
export interface ReportTypeProvider {
  /** Stable snake_case id stored on schedules, e.g. 'invoice_summary'; never renamed. */
  readonly id: string;
  /** Human name for the catalogue. */
  readonly name: string;
  /** One or two sentences on what the report holds. */
  readonly description: string;
  /** Permission claim needed to create, run or download it, e.g. 'billing:read'. */
  readonly requiredPermission: string;
  /** The weakest role that may create, run or download it, on top of the permission; omit for any. */
  readonly requiredRole?: Role;
  /** Formats this report is offered in; omit for every format the service writes. */
  readonly outputFormats?: readonly OutputFormat[];
  /**
   * JSON Schema draft-07 for `report_parameters`, with `additionalProperties: false` on every
   * object. Ajv compiles it in strict mode, so an unknown keyword or format fails at boot.
   */
  readonly parametersSchema: JsonSchemaObject;
  /** A valid parameters object for Swagger and the docs; a spec checks that it validates. */
  readonly parametersExample: Record<string, unknown>;
  /** The parameterized, organization-scoped SQL of the report and its columns. */
  buildQuery(context: ReportQueryContext): ReportQuery;
}

/** Injection token for the array of every ReportTypeProvider (see ReportTypesModule). */
export const REPORT_TYPE_PROVIDERS = Symbol('REPORT_TYPE_PROVIDERS');
