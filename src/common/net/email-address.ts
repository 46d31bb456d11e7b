/**
 * One plain address, `local@domain`, as narrow as real mailboxes need. Everything that lets one
 * string mean something other than one mailbox on the domain it shows is refused: lists
 * (`a@x.io,b@evil.test`), display names and angle brackets, quoted local parts
 * (`"c@evil.com"@x.io`), comments, IP-literal domains, line breaks, and the `%` and `!` routing
 * some MTAs still honour (`victim%evil.com@x.io`).
 */
const LOCAL_ATOM = "[A-Za-z0-9_'+=-]+";
const LOCAL = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*$`);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export function isPlainEmailAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 254) return false;
  const at = value.indexOf('@');
  if (at < 1 || at !== value.lastIndexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL.test(local)) return false;
  const labels = domain.split('.');
  return (
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LABEL.test(labels[labels.length - 1])
  );
}

/** The domain of a plain address, lower-cased; null when the value is not one. */
export function emailDomain(value: string): string | null {
  return isPlainEmailAddress(value) ? value.slice(value.indexOf('@') + 1).toLowerCase() : null;
}
