import type { ErrorObject } from 'ajv';

const ROOT = 'report_parameters';

const FORMATS: Record<string, string> = {
  date: 'a real date in YYYY-MM-DD form',
  uuid: 'a UUID',
};

/**
 * Turns Ajv errors (compiled with `verbose`, which gives each error its schema) into messages an
 * analyst can act on, each starting with the path of the field, e.g. `report_parameters.top_n`.
 */
export function describeParameterErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  const branches = branchConditions(errors);
  return errors
    .filter((error) => error.keyword !== 'if') // its then/else errors say it better
    .map((error) =>
      messageFor(error, pathOf(error.instancePath, data), conditionFor(error, branches)),
    );
}

function messageFor(error: ErrorObject, path: string, condition: string): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path} has an unknown key '${String(params.additionalProperty)}'`;
    case 'required':
      return `${path}.${String(params.missingProperty)} is required${condition}`;
    case 'false schema':
      return `${path} is not allowed${condition}`;
    case 'enum':
      return `${path} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `${path} must be ${quote(params.allowedValue)}`;
    case 'type':
      return `${path} must be ${[params.type]
        .flat()
        .map((type) => withArticle(String(type)))
        .join(' or ')}`;
    case 'format':
      return `${path} must be ${FORMATS[String(params.format)] ?? `a valid ${String(params.format)}`}`;
    case 'pattern':
      return `${path} must match ${String(params.pattern)}${exampleOf(error.parentSchema)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path} must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'minLength':
      return `${path} must be at least ${count(params.limit, 'character')} long`;
    case 'maxLength':
      return `${path} must be at most ${count(params.limit, 'character')} long`;
    case 'minItems':
      return `${path} must have at least ${count(params.limit, 'item')}`;
    case 'maxItems':
      return `${path} must have at most ${count(params.limit, 'item')}`;
    case 'uniqueItems':
      return `${path} must not repeat a value (items ${String(params.i)} and ${String(params.j)} are equal)`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}

/** JSON pointer to `report_parameters.customer_ids[2]`; the data tells indexes from keys. */
function pathOf(pointer: string, data: unknown): string {
  let path = ROOT;
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path += Array.isArray(node) ? `[${key}]` : `.${key}`;
    node =
      node !== null && typeof node === 'object'
        ? (node as Record<string, unknown>)[key]
        : undefined;
  }
  return path;
}

/**
 * For each failed `if`, the schema path of the branch that failed and why it applied, so
 * "from is required" becomes "from is required when preset is 'custom'".
 */
function branchConditions(errors: readonly ErrorObject[]): Map<string, string> {
  const branches = new Map<string, string>();
  for (const error of errors) {
    if (error.keyword !== 'if') continue;
    const test = describeIf(error.schema);
    if (!test) continue;
    const branch = String((error.params as Record<string, unknown>).failingKeyword);
    const prefix = `${error.schemaPath.replace(/\/if$/, '')}/${branch}/`;
    branches.set(prefix, branch === 'then' ? ` when ${test}` : ` unless ${test}`);
  }
  return branches;
}

function conditionFor(error: ErrorObject, branches: Map<string, string>): string {
  for (const [prefix, condition] of branches) {
    if (error.schemaPath.startsWith(prefix)) return condition;
  }
  return '';
}

/** "preset is 'custom'" for an `if` made of `const` tests; empty when it is anything else. */
function describeIf(schema: unknown): string {
  const properties = (schema as { properties?: Record<string, { const?: unknown }> }).properties;
  const tests = Object.entries(properties ?? {}).filter(([, rule]) => 'const' in rule);
  return tests.map(([key, rule]) => `${key} is ${quote(rule.const)}`).join(' and ');
}

function exampleOf(schema: unknown): string {
  const examples = (schema as { examples?: unknown[] } | undefined)?.examples;
  return examples?.length ? ` (for example ${quote(examples[0])})` : '';
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function count(limit: unknown, noun: string): string {
  return `${String(limit)} ${noun}${limit === 1 ? '' : 's'}`;
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
