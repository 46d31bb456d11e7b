import type { sign as Sign } from 'jsonwebtoken';
import { ROLES } from 'src/domain/vocabulary';
import { parseDurationSeconds } from 'src/config/duration';
import { loadConfig } from 'src/config/load-config';
import { readEnv } from 'src/config/read-env';

const USAGE =
  'usage: npm run token -- --org <uuid> [--roles admin,editor] [--permissions billing:read,usage:read] ' +
  '[--sub user-id] [--email a@b.example] [--name "Ana"] [--ttl 8h]';

/** Mints an HS256 token with the configured JWT_SECRET, for demos and manual testing. */
export function mintTokenFromArgs(argv: string[], sign: typeof Sign): string {
  const args = parseArgs(argv);
  const org = args.org;
  if (!org || !/^[0-9a-f-]{36}$/i.test(org)) throw new Error(`--org <uuid> is required\n${USAGE}`);
  const roles = (args.roles ?? 'admin').split(',').filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0)
    throw new Error(`unknown role(s) ${unknown.join(', ')}; use ${ROLES.join(', ')}`);
  const config = loadConfig(readEnv());
  if (!config.jwt.secret)
    throw new Error('JWT_SECRET is not set; tokens for RS256/ES256 come from your IdP');
  // The service refuses a token living longer than JWT_MAX_AGE; say so here instead.
  const ttlSeconds =
    args.ttl === undefined
      ? Math.min(8 * 3600, config.jwt.maxAgeSeconds)
      : parseDurationSeconds(args.ttl);
  if (ttlSeconds === null || ttlSeconds < 1) {
    throw new Error(`--ttl must be a duration such as 90m, 8h or 3600s\n${USAGE}`);
  }
  if (ttlSeconds > config.jwt.maxAgeSeconds) {
    throw new Error(
      `--ttl ${args.ttl} is longer than JWT_MAX_AGE (${config.jwt.maxAgeSeconds} s); the service would refuse the token`,
    );
  }
  const sub = args.sub ?? 'demo-admin';
  return sign(
    {
      sub,
      org_id: org,
      roles,
      permissions: (args.permissions ?? 'billing:read,usage:read,audit:read')
        .split(',')
        .filter(Boolean),
      email: args.email ?? `${sub}@demo.example`,
      name: args.name ?? 'Demo Admin',
    },
    config.jwt.secret,
    {
      algorithm: 'HS256',
      expiresIn: ttlSeconds,
      ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
      ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
    },
  );
}

function parseArgs(argv: string[]): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    if (!key.startsWith('--')) throw new Error(`unexpected argument '${key}'\n${USAGE}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new Error(`${key} needs a value\n${USAGE}`);
    out[key.slice(2)] = value;
    i += 1;
  }
  return out;
}
