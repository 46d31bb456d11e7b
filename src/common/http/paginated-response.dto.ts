import { Type as ClassType } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

export interface Paginated<T> {
  data: T[];
  page: number;
  limit: number;
  total: number;
}

/** Builds a Swagger-visible `{ data, page, limit, total }` class for one item DTO. */
export function PaginatedResponseDto<T>(item: ClassType<T>): ClassType<Paginated<T>> {
  class PaginatedDto implements Paginated<T> {
    @ApiProperty({ type: item, isArray: true })
    data: T[];

    @ApiProperty({ example: 1 })
    page: number;

    @ApiProperty({ example: 20 })
    limit: number;

    @ApiProperty({ example: 42 })
    total: number;
  }
  Object.defineProperty(PaginatedDto, 'name', { value: `Paginated${item.name}` });
  return PaginatedDto;
}

export function paginated<T>(data: T[], page: number, limit: number, total: number): Paginated<T> {
  return { data, page, limit, total };
}
