/** What organizations publish (through the outbox) about members; schedules subscribes. */

/** `member.deactivated`: an admin deactivated the member; nothing may reach or run as them. */
export interface MemberDeactivated {
  member_id: string;
  /** Their user id (`sub`): `user_id` recipients and schedules they created name them by it. */
  user_id: string;
  /** Their address when deactivated, so `email` recipients naming it go too. */
  email: string | null;
}
