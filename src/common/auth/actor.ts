import { ROLES, Role } from 'src/domain/vocabulary';

/**
 * Who is acting. Services take this explicitly; the HTTP layer builds it
 * from the JWT, workers build a system actor for the organization.
 */
export interface Actor {
  userId: string;
  orgId: string;
  roles: Role[];
  permissions: string[];
  email?: string;
  name?: string;
  /** Correlates audit entries and logs with the HTTP request, when there is one. */
  requestId?: string;
  /** When the token the request came with expires: long-lived streams end then. */
  tokenExpiresAt?: Date;
}

/** True when any of the actor's roles is at least `minimum`. */
export function hasRole(actor: Pick<Actor, 'roles'>, minimum: Role): boolean {
  const needed = ROLES.indexOf(minimum);
  return actor.roles.some((role) => ROLES.indexOf(role) >= needed);
}

export function hasPermission(actor: Pick<Actor, 'permissions'>, permission: string): boolean {
  return actor.permissions.includes(permission);
}

/** Whether the service itself acts (`system`, or `system:<why>`), not a member. */
export function isSystemActor(actor: Pick<Actor, 'userId'>): boolean {
  return actor.userId === 'system' || actor.userId.startsWith('system:');
}

/** The actor the scheduler and workers use for an organization. */
export function systemActor(orgId: string): Actor {
  return { userId: 'system', orgId, roles: ['admin'], permissions: [] };
}
