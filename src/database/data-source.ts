import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv } from 'src/config/database-url';
import { dataSourceOptions } from './data-source-options';

/** Data source for the TypeORM CLI (`npm run migration:run`). */
export default new DataSource(dataSourceOptions(databaseUrlFromEnv()));
