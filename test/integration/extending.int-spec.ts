import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const GUIDE = readFileSync(path.join(ROOT, 'docs/extending.md'), 'utf8');
// Inside the checkout (var/ is ignored), so the copy resolves the checkout's node_modules.
const SCRATCH = path.join(ROOT, 'var/extending-check');

/** The files the guide lists for one extension, as patterns (`<name>` matches a name part). */
function listedFiles(example: string): RegExp[] {
  const section = GUIDE.split(`<!-- files: ${example} -->`)[1]?.split('<!-- /files -->')[0];
  if (!section) throw new Error(`docs/extending.md has no file list for ${example}`);
  return [...section.matchAll(/^\d+\. `([^`]+)`/gm)].map(([, file]) => {
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^${escaped.replace(/<[A-Za-z]+>/g, '[A-Za-z0-9_-]+')}$`);
  });
}

/** The files a patch touches. */
function patchedFiles(patch: string): string[] {
  return [...patch.matchAll(/^diff --git a\/(\S+) b\/\S+$/gm)].map(([, file]) => file);
}

// Each example on a fresh copy of src/ and migrations/, compiled as the build would.
describe.each(['report-type', 'channel', 'format'])('docs/extending.md: %s', (example) => {
  const patchFile = path.join(ROOT, `docs/examples/${example}.patch`);
  const patch = readFileSync(patchFile, 'utf8');

  it('the example touches exactly the files the guide lists, one file each', () => {
    const listed = listedFiles(example);
    const files = patchedFiles(patch);
    expect(files.length).toBe(listed.length);
    for (const pattern of listed) {
      expect(files.filter((file) => pattern.test(file))).toHaveLength(1);
    }
  });

  it("applies to today's code and compiles", () => {
    rmSync(SCRATCH, { recursive: true, force: true });
    mkdirSync(SCRATCH, { recursive: true });
    try {
      for (const dir of ['src', 'migrations']) {
        cpSync(path.join(ROOT, dir), path.join(SCRATCH, dir), {
          recursive: true,
          filter: (source) => !source.endsWith('.spec.ts'),
        });
      }
      writeFileSync(
        path.join(SCRATCH, 'tsconfig.json'),
        JSON.stringify({
          extends: '../../tsconfig.json',
          compilerOptions: { baseUrl: './', noEmit: true, types: ['node'] },
          include: ['src/**/*', 'migrations/**/*'],
        }),
      );
      const directory = path.relative(ROOT, SCRATCH);
      execFileSync('git', ['apply', `--directory=${directory}`, patchFile], { cwd: ROOT });
      execFileSync(
        process.execPath,
        [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', SCRATCH],
        { cwd: ROOT, encoding: 'utf8' },
      );
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(
        `${example}.patch: ${(error as Error).message}\n${stdout ?? ''}${stderr ?? ''}`,
      );
    } finally {
      rmSync(SCRATCH, { recursive: true, force: true });
    }
  }, 120_000);
});
