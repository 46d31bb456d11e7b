/**
 * Checks docker-compose.yml without Docker: it parses, every app service's environment (anchors
 * merged, `${VAR:-default}` resolved as compose would with nothing exported) passes the service's
 * own configuration check, each role runs in two copies, and every host a URL names is a
 * service of the file. Prints the problems and exits 1 when there are any.
 *   npm run compose:check [-- path/to/docker-compose.yml]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { loadConfig } from '../src/config/load-config';

type Node = Record<string, unknown>;

const ROLES_IN_TWO_COPIES = ['api', 'scheduler', 'worker'];

export function checkCompose(file: string): string[] {
  let document: Node;
  try {
    document = mergeKeys(load(readFileSync(file, 'utf8'))) as Node;
  } catch (error) {
    return [`${file} does not parse: ${(error as Error).message}`];
  }
  const services = (document.services ?? {}) as Record<string, Node>;
  const problems: string[] = [];
  for (const role of ROLES_IN_TWO_COPIES) {
    const service = services[role];
    if (!service) {
      problems.push(`no '${role}' service`);
      continue;
    }
    const env = resolveEnvironment(service.environment);
    if (env.APP_ROLE !== role) problems.push(`${role}: APP_ROLE is '${env.APP_ROLE}'`);
    try {
      loadConfig(env);
    } catch (error) {
      problems.push(`${role}: ${(error as Error).message}`);
    }
    const replicas = (service.deploy as Node | undefined)?.replicas;
    if (replicas !== 2) problems.push(`${role}: ${String(replicas ?? 1)} copies, expected 2`);
    for (const host of hostsNamedBy(env)) {
      if (!services[host]) problems.push(`${role}: names host '${host}', which is no service`);
    }
    for (const needed of Object.keys((service.depends_on ?? {}) as Node)) {
      if (!services[needed]) problems.push(`${role}: depends on '${needed}', which is no service`);
    }
  }
  const volumes = Object.keys((document.volumes ?? {}) as Node);
  for (const [name, service] of Object.entries(services)) {
    for (const mount of (service.volumes ?? []) as string[]) {
      const source = mount.split(':')[0];
      if (!source.startsWith('.') && !source.startsWith('/') && !volumes.includes(source)) {
        problems.push(`${name}: volume '${source}' is not declared`);
      }
    }
  }
  return problems;
}

/** YAML merge keys (`<<: *anchor`), which js-yaml leaves as a plain key. */
function mergeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mergeKeys);
  if (value === null || typeof value !== 'object') return value;
  const { '<<': merged, ...own } = value as Node;
  const bases = (Array.isArray(merged) ? merged : merged ? [merged] : []).map(mergeKeys) as Node[];
  const result: Node = Object.assign({}, ...bases);
  for (const [key, child] of Object.entries(own)) result[key] = mergeKeys(child);
  return result;
}

/** Compose's interpolation with an empty shell: `${VAR:-default}` → default, `${VAR}` → ''. */
function resolveEnvironment(environment: unknown): Record<string, string> {
  const entries = Array.isArray(environment)
    ? (environment as string[]).map((line) => line.split(/=(.*)/s).slice(0, 2))
    : Object.entries((environment ?? {}) as Node);
  return Object.fromEntries(
    entries.map(([key, value]) => [
      key,
      String(value ?? '').replace(
        /\$\{(\w+)(?::?-([^}]*))?\}/g,
        (_m, _name, fallback) => fallback ?? '',
      ),
    ]),
  );
}

function hostsNamedBy(env: Record<string, string>): string[] {
  const hosts = new Set<string>();
  for (const value of Object.values(env)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      continue;
    }
    if (url.hostname && url.hostname !== 'localhost') hosts.add(url.hostname);
  }
  return [...hosts];
}

if (require.main === module) {
  const file = process.argv[2] ?? path.join(__dirname, '..', 'docker-compose.yml');
  const problems = checkCompose(file);
  for (const problem of problems) console.error(`docker-compose: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`${file}: parses; api, scheduler and worker (2 copies each) configure cleanly`);
}
