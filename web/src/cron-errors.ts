/**
 * The server names a bad cron field the way src/modules/schedules/calendar/cron-expression.ts
 * spells it: "… is not valid: hour field '25': 25 is out of range 0-23". In the inputs' order.
 */
const SERVER_FIELD_NAMES = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const FIELD_PROBLEM = / is not valid: (minute|hour|day-of-month|month|day-of-week) field '/;

/** A server message placed on one cron input: its index and the part worth showing there. */
export interface CronFieldError {
  field: number;
  text: string;
}

/**
 * Which cron input a server message is about, with the message from the field's name on;
 * null when it is about the expression as a whole (never fires, too frequent, …).
 */
export function cronFieldError(message: string): CronFieldError | null {
  const match = FIELD_PROBLEM.exec(message);
  if (!match) return null;
  return {
    field: SERVER_FIELD_NAMES.indexOf(match[1]),
    text: message.slice(match.index + ' is not valid: '.length),
  };
}

/**
 * What the browser can tell without the server, per input (null when fine): the expression is
 * the five inputs joined by spaces, so an empty one or one holding a space shifts the others.
 */
export function cronFieldProblems(fields: string[]): (string | null)[] {
  return SERVER_FIELD_NAMES.map((name, i) => {
    const text = fields[i] ?? '';
    if (text === '') return `${name} field is empty: write * for every value`;
    if (/\s/.test(text)) return `${name} field '${text}' has a space: separate values with commas`;
    return null;
  });
}
