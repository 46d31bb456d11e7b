/** The verified claims a member is provisioned from. */
export interface MemberClaims {
  userId: string;
  orgId: string;
  email?: string;
  name?: string;
  roles: Role[];
  permissions: string[];
  /** When the token was issued (`iat`, required): a token older than a deactivation is stale. */
  issuedAt: Date;
}
import { Role } from 'src/domain/vocabulary';
