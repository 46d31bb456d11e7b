import { readdirSync } from 'node:fs';
import path from 'node:path';

// `<epoch ms>-<PascalVerbNoun>.ts` (`.js` once built): the files of this folder are the list, so
// a new migration needs no entry anywhere, and one can never be written but left out.
const MIGRATION_FILE = /^\d{13}-[A-Za-z]+\.(ts|js)$/;

/** Every migration of this folder, oldest first; ts-node, jest and the built app load the same. */
export const ALL_MIGRATIONS: (new () => unknown)[] = readdirSync(__dirname)
  .filter((file) => MIGRATION_FILE.test(file))
  .sort()
  .map((file) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder is the list
    const exported = Object.values(require(path.join(__dirname, file)) as object);
    if (exported.length !== 1) throw new Error(`migration ${file} must export exactly one class`);
    return exported[0] as new () => unknown;
  });
