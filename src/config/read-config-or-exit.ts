import { AppConfig } from './app-config';
import { ConfigError } from './config.errors';
import { loadConfig } from './load-config';

/** Boot-time check: a bad variable ends the process with one line naming it, no stack trace. */
export function readConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
