import { Pool } from 'pg';
import { AppConfigService } from 'src/config/app-config.service';
import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import {
  OrganizationSecretsService,
  SEALED_FIELDS,
} from 'src/modules/organizations/organization-secrets.service';

const BATCH = 500;
const USAGE = 'usage: npm run keys:reseal [-- --org <uuid>]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A command-line mistake: one line on stderr, exit code 2. */
class UsageError extends Error {}

/** `--org <uuid>` limits the run to one organization; without it, every organization. */
function parseArgs(argv: string[]): { org: string | null } {
  if (argv.length === 0) return { org: null };
  const [flag, value, ...rest] = argv;
  const inline = /^--org=(.*)$/.exec(flag)?.[1];
  const org = inline ?? (flag === '--org' ? value : undefined);
  if (org === undefined || rest.length > 0 || (inline !== undefined && value !== undefined)) {
    throw new UsageError(`unexpected arguments '${argv.join(' ')}'; ${USAGE}`);
  }
  if (!UUID.test(org)) throw new UsageError(`--org must be a UUID, got '${org}'`);
  return { org };
}

/**
 * `npm run keys:reseal`: after a new key was put first in APP_SECRETS (and every process runs with
 * that ring), seals every organization secret that names an older key again with the new one, so
 * the old key can leave the ring. Run it with the service's environment; running it twice is
 * harmless (the second run re-seals nothing).
 */
async function main(argv: string[]): Promise<void> {
  const { org: only } = parseArgs(argv);
  // The ring and the database are all it needs; JWT settings are not its business.
  const config = AppConfigService.fromEnv({
    ...process.env,
    JWT_SECRET: 'unused-by-the-reseal-script',
    JWT_PUBLIC_KEY: undefined,
  });
  const secrets = new OrganizationSecretsService(config);
  const current = config.values.appKeys[0].id;
  const pool = new Pool({ connectionString: config.values.databaseUrl, max: 1 });
  let organizations = 0;
  let resealed = 0;
  let changedMeanwhile = 0;
  const unreadable: string[] = [];
  try {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await pool.query<Organization>(
        `SELECT id, ${SEALED_FIELDS.join(', ')} FROM organizations
          WHERE id > $1 AND ($3::uuid IS NULL OR id = $3)
            AND (${SEALED_FIELDS.map((f) => `${f} IS NOT NULL`).join(' OR ')})
          ORDER BY id LIMIT $2`,
        [after, BATCH, only],
      );
      if (rows.length === 0) break;
      for (const org of rows) {
        organizations += 1;
        const plan = secrets.resealPlan(org);
        for (const field of plan.unreadable) unreadable.push(`${org.id} ${field}`);
        for (const change of plan.changes) {
          // Only if the value is still the one read: an admin may have set a new one meanwhile.
          const result = await pool.query(
            `UPDATE organizations SET ${change.field} = $2, updated_at = now()
              WHERE id = $1 AND ${change.field} = $3`,
            [org.id, change.to, change.from],
          );
          if (result.rowCount === 1) resealed += 1;
          else changedMeanwhile += 1;
        }
      }
      after = rows[rows.length - 1].id;
    }
  } finally {
    await pool.end();
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `keys:reseal: ${resealed} value(s) sealed again with key '${current}', in ${organizations} organization(s) with secrets`,
  );
  if (changedMeanwhile > 0) {
    out(`  ${changedMeanwhile} value(s) changed while this ran: run it again`);
  }
  if (unreadable.length > 0) {
    // Not fatal: these open with no key of the ring, so dropping a key cannot make them worse.
    out(
      `  ${unreadable.length} value(s) open with no key of the ring; an admin must set them again:`,
    );
    for (const entry of unreadable) out(`    ${entry}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`keys:reseal: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
