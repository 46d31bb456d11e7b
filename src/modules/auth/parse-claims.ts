import { isPlainEmailAddress } from 'src/common/net/email-address';
import { ROLES, Role } from 'src/domain/vocabulary';
import { MemberClaims } from 'src/modules/organizations/token-claims';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERMISSION = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;

/** What a token's times are judged against. */
export interface TokenTimePolicy {
  /** Now, in seconds since the epoch. */
  now: number;
  /** Longest lifetime accepted, `exp - iat` (JWT_MAX_AGE). */
  maxAgeSeconds: number;
  /** How far ahead the issuer's clock may be for `iat` and `nbf`; `exp` gets no leeway. */
  clockSkewSeconds: number;
}

export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

/** The member the token names, or why it names none (for the log, never for the client). */
export type ClaimsResult = { claims: MemberClaims } | { problem: string };

/**
 * Checks the claims of a token whose signature, issuer and audience were verified. `exp` and
 * `iat` are required: without `exp` a leaked token works forever, and without `iat` its lifetime
 * cannot be bounded nor compared with a member's deactivation.
 */
export function parseClaims(
  payload: Record<string, unknown>,
  policy: TokenTimePolicy,
): ClaimsResult {
  const timeProblem = checkTimes(payload, policy);
  if (timeProblem) return { problem: timeProblem };
  const { sub, org_id: orgId, email, name, roles, permissions, iat } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    return { problem: 'sub is missing or malformed' };
  }
  if (typeof orgId !== 'string' || !UUID.test(orgId)) return { problem: 'org_id is not a uuid' };
  if (roles !== undefined && !isStringArray(roles)) return { problem: 'roles is not a list' };
  if (permissions !== undefined && !isStringArray(permissions)) {
    return { problem: 'permissions is not a list' };
  }
  // One mailbox or nothing: the address receives reports, so a list or a quoted local part
  // could smuggle in a recipient of the caller's choosing.
  if (email !== undefined && !isPlainEmailAddress(email)) {
    return { problem: 'email is not one plain address' };
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 200)) {
    return { problem: 'name is malformed' };
  }
  return {
    claims: {
      userId: sub,
      orgId: orgId.toLowerCase(),
      email,
      name,
      // Unknown roles and malformed scopes are ignored rather than trusted.
      roles: ((roles as string[] | undefined) ?? []).filter((r): r is Role =>
        (ROLES as readonly string[]).includes(r),
      ),
      permissions: ((permissions as string[] | undefined) ?? []).filter((p) => PERMISSION.test(p)),
      issuedAt: new Date((iat as number) * 1000),
    },
  };
}

function checkTimes(payload: Record<string, unknown>, policy: TokenTimePolicy): string | null {
  const { exp, iat, nbf } = payload;
  const { now, maxAgeSeconds, clockSkewSeconds } = policy;
  if (!isSeconds(exp)) return 'exp is missing or not a number';
  if (!isSeconds(iat)) return 'iat is missing or not a number';
  if (nbf !== undefined && !isSeconds(nbf)) return 'nbf is not a number';
  if (exp <= now) return 'the token expired';
  if (iat > now + clockSkewSeconds) return 'iat is in the future';
  if (nbf !== undefined && nbf > now + clockSkewSeconds) return 'the token is not valid yet (nbf)';
  if (exp <= iat) return 'exp is not after iat';
  if (exp - iat > maxAgeSeconds) {
    return `the token lives ${exp - iat} s, longer than JWT_MAX_AGE (${maxAgeSeconds} s)`;
  }
  return null;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
