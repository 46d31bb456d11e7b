/** The process environment, for the few tools that build config outside Nest. */
export function readEnv(): Record<string, string | undefined> {
  return process.env;
}
