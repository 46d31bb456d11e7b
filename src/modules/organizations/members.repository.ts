import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ILike, In, Repository } from 'typeorm';
import { Member } from './entities/member.entity';

export interface MemberPage {
  rows: Member[];
  total: number;
}

/** Members of one organization; every query takes the org id. */
@Injectable()
export class MembersRepository {
  constructor(@InjectRepository(Member) private readonly members: Repository<Member>) {}

  async list(orgId: string, page: number, limit: number, q?: string): Promise<MemberPage> {
    const base = { organization_id: orgId, is_active: true };
    const where = q
      ? [
          { ...base, email: ILike(`%${escapeLike(q)}%`) },
          { ...base, name: ILike(`%${escapeLike(q)}%`) },
        ]
      : base;
    const [rows, total] = await this.members.findAndCount({
      where,
      order: { name: 'ASC', email: 'ASC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { rows, total };
  }

  async findActiveByUserIds(orgId: string, userIds: string[]): Promise<Member[]> {
    if (userIds.length === 0) return [];
    return this.members.find({
      where: { organization_id: orgId, user_id: In(userIds), is_active: true },
    });
  }

  /** Active admins: who hears of what no single schedule owner can fix. */
  findActiveAdmins(orgId: string): Promise<Member[]> {
    return this.members
      .createQueryBuilder('m')
      .where('m.organization_id = :orgId AND m.is_active AND :role = ANY(m.roles)', {
        orgId,
        role: 'admin',
      })
      .orderBy('m.email')
      .getMany();
  }

  /** The member whatever its state: delivery tells a deactivated member from a removed one. */
  findByUserId(orgId: string, userId: string): Promise<Member | null> {
    return this.members.findOne({ where: { organization_id: orgId, user_id: userId } });
  }

  async findActiveByEmails(orgId: string, emails: string[]): Promise<Member[]> {
    if (emails.length === 0) return [];
    return this.members.find({
      where: {
        organization_id: orgId,
        email: In(emails.map((e) => e.toLowerCase())),
        is_active: true,
      },
    });
  }
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
