import { ROLES, Role } from 'src/domain/vocabulary';
import { MemberClaims } from 'src/modules/organizations/token-claims';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERMISSION = /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*$/;

/** Checks the claims of a verified token; returns null (→ 401) when they cannot name a member. */
export function parseClaims(payload: Record<string, unknown>): MemberClaims | null {
  const { sub, org_id: orgId, email, name, roles, permissions } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) return null;
  if (typeof orgId !== 'string' || !UUID.test(orgId)) return null;
  if (roles !== undefined && !isStringArray(roles)) return null;
  if (permissions !== undefined && !isStringArray(permissions)) return null;
  if (email !== undefined && (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email))) {
    return null;
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 200)) return null;
  return {
    userId: sub,
    orgId: orgId.toLowerCase(),
    email,
    name,
    // Unknown roles and malformed scopes are ignored rather than trusted.
    roles: ((roles as string[] | undefined) ?? []).filter((r): r is Role =>
      (ROLES as readonly string[]).includes(r),
    ),
    permissions: ((permissions as string[] | undefined) ?? []).filter((p) => PERMISSION.test(p)),
  };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
