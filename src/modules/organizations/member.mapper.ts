import { MemberDto } from './dto/member.dto';
import { Member } from './entities/member.entity';

export function toMemberDto(member: Member): MemberDto {
  return {
    id: member.id,
    user_id: member.user_id,
    email: member.email,
    name: member.name,
    roles: member.roles,
    last_seen_at: member.last_seen_at.toISOString(),
  };
}
