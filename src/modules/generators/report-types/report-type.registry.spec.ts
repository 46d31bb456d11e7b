import { ReportTypeProvider } from 'src/modules/generators/report-types/report-type-provider';
import { ReportTypeRegistry } from 'src/modules/generators/report-types/report-type.registry';

function stubType(id: string, properties: object = {}): ReportTypeProvider {
  return {
    id,
    name: id,
    description: `The ${id} report.`,
    requiredPermission: 'stub:read',
    outputFormats: ['csv'],
    parametersSchema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties,
    },
    parametersExample: {},
    buildQuery: () => ({ sql: 'SELECT 1', params: [], columns: [] }),
  };
}

class FirstStub {
  readonly stub = stubType('dup');
  readonly id = this.stub.id;
  readonly name = this.stub.name;
  readonly description = this.stub.description;
  readonly requiredPermission = this.stub.requiredPermission;
  readonly outputFormats = this.stub.outputFormats;
  readonly parametersSchema = this.stub.parametersSchema;
  readonly parametersExample = this.stub.parametersExample;
  readonly buildQuery = this.stub.buildQuery;
}
class SecondStub extends FirstStub {}

const tuning = stubType('tuning', {
  top_n: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  label: { type: 'string', minLength: 2, maxLength: 5 },
  tags: {
    type: 'array',
    items: { type: 'string', pattern: '^[a-z]+$', examples: ['alpha'] },
    minItems: 1,
    maxItems: 2,
    uniqueItems: true,
  },
  nested: {
    type: 'object',
    additionalProperties: false,
    properties: { flag: { type: 'boolean', default: false } },
  },
});

describe('ReportTypeRegistry', () => {
  describe('catalogue', () => {
    const registry = new ReportTypeRegistry([stubType('zeta'), stubType('alpha'), tuning]);

    it('lists report types sorted by id', () => {
      expect(registry.list().map((type) => type.id)).toEqual(['alpha', 'tuning', 'zeta']);
    });

    it('hands out a copy of the list', () => {
      registry.list().pop();
      expect(registry.list()).toHaveLength(3);
    });

    it('finds by id, and nothing for an unknown or prototype id', () => {
      expect(registry.find('tuning')).toBe(tuning);
      expect(registry.find('nope')).toBeUndefined();
      expect(registry.find('constructor')).toBeUndefined();
    });
  });

  describe('construction', () => {
    it('throws on a duplicate id, naming both classes', () => {
      expect(() => new ReportTypeRegistry([new FirstStub(), new SecondStub()])).toThrow(
        "Duplicate report type id 'dup': FirstStub and SecondStub",
      );
    });

    it('throws on a schema that strict mode rejects, naming the report type', () => {
      const typo = stubType('typo', { top_n: { type: 'integer', minimun: 1 } });
      expect(() => new ReportTypeRegistry([typo])).toThrow(
        /Report type 'typo' has an invalid parameters schema: strict mode: unknown keyword: "minimun"/,
      );
    });

    it('accepts no report types at all', () => {
      expect(new ReportTypeRegistry([]).list()).toEqual([]);
    });
  });

  describe('validateParameters', () => {
    const registry = new ReportTypeRegistry([tuning]);
    const errorsFor = (params: unknown): string[] => registry.validateParameters('tuning', params);

    it('accepts valid parameters', () => {
      expect(errorsFor({})).toEqual([]);
      expect(errorsFor({ top_n: 10, label: 'abc', tags: ['a', 'b'], nested: {} })).toEqual([]);
    });

    it('rejects an unknown report type', () => {
      expect(registry.validateParameters('x', {})).toEqual([
        "report_type 'x' is not a known report type",
      ]);
    });

    it.each([null, [], 'top_n=5', 42, undefined])('rejects %p as parameters', (params) => {
      expect(errorsFor(params)).toEqual(['report_parameters must be an object']);
    });

    it('names unknown keys at the top and nested', () => {
      expect(errorsFor({ foo: 1, nested: { bar: true } })).toEqual([
        "report_parameters has an unknown key 'foo'",
        "report_parameters.nested has an unknown key 'bar'",
      ]);
    });

    it('words number, length and type limits', () => {
      expect(errorsFor({ top_n: 1001, label: 'a' })).toEqual([
        'report_parameters.top_n must be <= 1000',
        'report_parameters.label must be at least 2 characters long',
      ]);
      expect(errorsFor({ top_n: 0, label: 'abcdef' })).toEqual([
        'report_parameters.top_n must be >= 1',
        'report_parameters.label must be at most 5 characters long',
      ]);
      expect(errorsFor({ top_n: 2.5, nested: { flag: 'yes' } })).toEqual([
        'report_parameters.top_n must be an integer',
        'report_parameters.nested.flag must be a boolean',
      ]);
    });

    it('words array rules with the index of the bad item', () => {
      expect(errorsFor({ tags: [] })).toEqual(['report_parameters.tags must have at least 1 item']);
      expect(errorsFor({ tags: ['a', 'b', 'c'] })).toEqual([
        'report_parameters.tags must have at most 2 items',
      ]);
      expect(errorsFor({ tags: ['a', 'a'] })).toEqual([
        'report_parameters.tags must not repeat a value (items 0 and 1 are equal)',
      ]);
      expect(errorsFor({ tags: ['ok', 'Bad'] })).toEqual([
        "report_parameters.tags[1] must match ^[a-z]+$ (for example 'alpha')",
      ]);
    });

    it("does not fill defaults into the caller's object", () => {
      const params = { nested: {} };
      expect(errorsFor(params)).toEqual([]);
      expect(params).toEqual({ nested: {} });
    });
  });

  describe('applyDefaults', () => {
    const registry = new ReportTypeRegistry([tuning]);

    it('returns a new object with schema defaults filled, keeping given values', () => {
      const params = { label: 'abc', nested: {} };
      const filled = registry.applyDefaults('tuning', params);
      expect(filled).toEqual({ label: 'abc', top_n: 50, nested: { flag: false } });
      expect(params).toEqual({ label: 'abc', nested: {} });
      expect(registry.applyDefaults('tuning', { top_n: 7 })).toEqual({ top_n: 7 });
    });

    it('throws for an unknown report type', () => {
      expect(() => registry.applyDefaults('x', {})).toThrow(
        "report_type 'x' is not a known report type",
      );
    });
  });
});
