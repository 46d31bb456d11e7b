import { CreateCoreTables1795900000000 } from './1795900000000-CreateCoreTables';
import { CreateBillingTables1795900100000 } from './1795900100000-CreateBillingTables';
import { CreateDeliveryTables1796000000000 } from './1796000000000-CreateDeliveryTables';
import { CreateOutboxEvents1796100000000 } from './1796100000000-CreateOutboxEvents';

/** Migrations in order. Listed explicitly so ts-node, jest and the built app load the same set. */
export const ALL_MIGRATIONS = [
  CreateCoreTables1795900000000,
  CreateBillingTables1795900100000,
  CreateDeliveryTables1796000000000,
  CreateOutboxEvents1796100000000,
];
