// Loaded with `node -r` before the app: replaces the process's tz data as a tz update would.
import moment from 'moment-timezone';
import { readFileSync } from 'node:fs';

const file = process.env.FAULT_TZDATA_FILE;
if (file) {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { version: string; zones: string[] };
  moment.tz.add(data.zones);
  moment.tz.dataVersion = data.version;
}
