import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// scripts/ is outside the module mapper's roots.
// eslint-disable-next-line no-restricted-imports
import { checkCompose } from '../../scripts/compose-check';

const COMPOSE = path.join(__dirname, '../../docker-compose.yml');

/** docker-compose.yml cannot run here (no Docker engine); this is what can be checked without. */
describe('docker-compose.yml', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'compose-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const variant = (edit: (text: string) => string): string => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yml`);
    const original = readFileSync(COMPOSE, 'utf8');
    const edited = edit(original);
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    return file;
  };

  it('parses, and api, scheduler and worker run two copies each with a complete environment', () => {
    expect(checkCompose(COMPOSE)).toEqual([]);
  });

  it('catches an environment the service would refuse at boot', () => {
    const file = variant((text) =>
      text.replace('${JWT_SECRET:-change-me-dev-secret-0123456789}', '${JWT_SECRET:-short}'),
    );
    expect(checkCompose(file)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^api: .*JWT_SECRET/)]),
    );
  });

  it('catches a host no service provides, a single copy and an undeclared volume', () => {
    const file = variant((text) =>
      text
        .replace('redis://redis:6379', 'redis://cache:6379')
        .replace(/(APP_ROLE: worker\n {4}deploy:\n {6}replicas:) 2/, '$1 1')
        .replace('- storage:/app/var/storage', '- files:/app/var/storage'),
    );
    expect(checkCompose(file)).toEqual(
      expect.arrayContaining([
        "scheduler: names host 'cache', which is no service",
        'worker: 1 copies, expected 2',
        "api: volume 'files' is not declared",
      ]),
    );
  });

  it('reports a file that does not parse', () => {
    const file = variant((text) => text.replace('services:', 'services: [unclosed'));
    expect(checkCompose(file)[0]).toMatch(/does not parse/);
  });
});
