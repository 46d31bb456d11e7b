import { Test } from '@nestjs/testing';
import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';
import { ReportTypesModule } from 'src/modules/generators/report-types/report-types.module';
import { REPORT_TYPES } from 'src/modules/generators/report-types/report-types';
import { OUTPUT_FORMATS } from 'src/domain/vocabulary';

type Schema = { [keyword: string]: unknown };

/** Schema rules Ajv does not enforce for us, as `path: problem` lines. */
function schemaProblems(schema: Schema, path = '#'): string[] {
  const problems: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (schema.type === 'object') {
    if (schema.additionalProperties !== false) problems.push(`${path}: additionalProperties`);
    // strictRequired is off (see createAjv), so check `required` names here, branches included.
    const branches = [schema, schema.if, schema.then, schema.else] as Array<Schema | undefined>;
    for (const key of branches.flatMap((branch) => (branch?.required ?? []) as string[])) {
      if (!(key in properties)) problems.push(`${path}: required '${key}' is not a property`);
    }
  }
  for (const [key, child] of Object.entries(properties)) {
    if (typeof child === 'object') problems.push(...schemaProblems(child, `${path}/${key}`));
  }
  if (typeof schema.items === 'object') {
    problems.push(...schemaProblems(schema.items as Schema, `${path}/items`));
  }
  return problems;
}

describe('ReportTypesModule', () => {
  let registry: ReportTypeRegistry;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ReportTypesModule] }).compile();
    registry = moduleRef.get(ReportTypeRegistry);
  });

  it('registers every provider of REPORT_TYPES, once, by a stable snake_case id', () => {
    const ids = registry.list().map((type) => type.id);
    expect(ids).toHaveLength(REPORT_TYPES.length);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  // Every registered type, read from the registry itself: a new type is covered without a list here.
  describe.each(REPORT_TYPES.map((provider) => new provider().id))('%s', (id) => {
    let type: ReportTypeProvider;
    beforeAll(() => {
      type = registry.find(id)!;
    });

    it('validates its own example', () => {
      expect(registry.validateParameters(id, type.parametersExample)).toEqual([]);
    });

    it('rejects an unknown key', () => {
      expect(registry.validateParameters(id, { ...type.parametersExample, foo: 1 })).toEqual([
        "report_parameters has an unknown key 'foo'",
      ]);
    });

    it('has a draft-07 schema, closed objects and declared required keys', () => {
      expect(type.parametersSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schemaProblems(type.parametersSchema)).toEqual([]);
    });

    it('can be served as JSON unchanged', () => {
      const served = JSON.parse(JSON.stringify(type.parametersSchema)) as unknown;
      expect(served).toEqual(type.parametersSchema);
    });

    it('describes itself for the catalogue', () => {
      expect(type.name).not.toBe('');
      expect(type.description).not.toBe('');
      expect(type.requiredPermission).toMatch(/^[a-z]+:read$/);
      expect(registry.formatsOf(type).length).toBeGreaterThan(0);
      for (const format of registry.formatsOf(type)) expect(OUTPUT_FORMATS).toContain(format);
    });
  });
});
