import { Inject, Injectable } from '@nestjs/common';
import Ajv, { AnySchemaObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OUTPUT_FORMATS, OutputFormat } from 'src/domain/vocabulary';
import { dateSpanKeyword } from 'src/modules/generators/date-ranges/date-span.keyword';
import { describeParameterErrors } from 'src/modules/generators/report-types/parameter-error-messages';
import {
  REPORT_TYPE_PROVIDERS,
  ReportTypeProvider,
} from 'src/modules/generators/report-types/report-type-provider';

interface RegisteredType {
  provider: ReportTypeProvider;
  validate: ValidateFunction;
}

/** The catalogue of report types, and the one place report parameters are validated. */
@Injectable()
export class ReportTypeRegistry {
  private readonly types = new Map<string, RegisteredType>();
  private readonly sorted: readonly ReportTypeProvider[];

  constructor(@Inject(REPORT_TYPE_PROVIDERS) providers: readonly ReportTypeProvider[]) {
    const ajv = createAjv();
    for (const provider of providers) {
      const taken = this.types.get(provider.id);
      if (taken) {
        throw new Error(
          `Duplicate report type id '${provider.id}': ${taken.provider.constructor.name} and ${provider.constructor.name}`,
        );
      }
      this.types.set(provider.id, { provider, validate: compile(ajv, provider) });
    }
    this.sorted = [...providers].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  list(): ReportTypeProvider[] {
    return [...this.sorted];
  }

  find(id: string): ReportTypeProvider | undefined {
    return this.types.get(id)?.provider;
  }

  /** The formats a type is offered in: its own list, else every format the service writes. */
  formatsOf(provider: ReportTypeProvider): readonly OutputFormat[] {
    return provider.outputFormats ?? OUTPUT_FORMATS;
  }

  /** [] when valid; otherwise one message per problem, each starting with the field's path. */
  validateParameters(reportType: string, params: unknown): string[] {
    const type = this.types.get(reportType);
    if (!type) return [unknownType(reportType)];
    // The validator fills defaults as it goes; keep them off the caller's object.
    const copy = structuredClone(params);
    return type.validate(copy) ? [] : describeParameterErrors(type.validate.errors ?? [], copy);
  }

  /** A copy of `params` with the schema's defaults filled in; validate first. */
  applyDefaults(reportType: string, params: Record<string, unknown>): Record<string, unknown> {
    const type = this.types.get(reportType);
    if (!type) throw new Error(unknownType(reportType));
    const copy = structuredClone(params);
    type.validate(copy);
    return copy;
  }
}

function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // Ajv cannot see a parent's properties from inside if/then (ajv-validator/ajv#1950);
    // report-types.module.spec checks every `required` key is declared instead.
    strictRequired: false,
    useDefaults: true,
    verbose: true, // error messages quote the schema (examples, if conditions)
  });
  addFormats(ajv, ['date', 'uuid']);
  ajv.addKeyword(dateSpanKeyword);
  return ajv;
}

function compile(ajv: Ajv, provider: ReportTypeProvider): ValidateFunction {
  try {
    return ajv.compile(provider.parametersSchema as AnySchemaObject);
  } catch (error) {
    throw new Error(
      `Report type '${provider.id}' has an invalid parameters schema: ${(error as Error).message}`,
    );
  }
}

function unknownType(reportType: string): string {
  return `report_type '${reportType}' is not a known report type`;
}
