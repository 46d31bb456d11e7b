import { sign } from 'jsonwebtoken';
import { mintTokenFromArgs } from 'src/modules/auth/mint-token';

// `npm run token -- --org <uuid> --roles admin --permissions billing:read,usage:read`
try {
  process.stdout.write(`${mintTokenFromArgs(process.argv.slice(2), sign)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
