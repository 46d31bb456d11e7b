import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Claims } from './api';

export const SessionContext = createContext<Claims>({ sub: '', roles: [], permissions: [] });

export function useSession() {
  const claims = useContext(SessionContext);
  const isAdmin = claims.roles.includes('admin');
  const isEditor = isAdmin || claims.roles.includes('editor');
  return {
    claims,
    isAdmin,
    /** Whether the API lets this member change a schedule created by `createdBy`. */
    canEdit: (createdBy: string) => isAdmin || (isEditor && createdBy === claims.sub),
    canCreate: isEditor,
    hasPermission: (permission: string | null | undefined) =>
      !permission || claims.permissions.includes(permission),
  };
}
