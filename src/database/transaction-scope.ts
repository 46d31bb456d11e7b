import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager } from 'typeorm';

const ambient = new AsyncLocalStorage<EntityManager>();

/**
 * A change and what records it (its audit entry) in one transaction, without threading a
 * manager through every call: inside `run`, every repository that reads its manager through
 * `managerOf` joins the same transaction. Nested `run`s join the outer one.
 */
@Injectable()
export class TransactionScope {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    if (ambient.getStore()) return work();
    return this.dataSource.transaction((manager) => ambient.run(manager, work));
  }
}

/** The manager of the transaction `TransactionScope.run` opened around this call, else the default. */
export function managerOf(dataSource: DataSource): EntityManager {
  return ambient.getStore() ?? dataSource.manager;
}
