import { CreateCoreTables1795900000000 } from './1795900000000-CreateCoreTables';

/** Migrations in order. Listed explicitly so ts-node, jest and the built app load the same set. */
export const ALL_MIGRATIONS = [CreateCoreTables1795900000000];
