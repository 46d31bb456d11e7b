/** The verified claims a member is provisioned from. */
export interface MemberClaims {
  userId: string;
  orgId: string;
  email?: string;
  name?: string;
  roles: Role[];
  permissions: string[];
}
import { Role } from 'src/domain/vocabulary';
