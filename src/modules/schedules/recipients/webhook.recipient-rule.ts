import { checkOutboundUrl, OutboundBlockedError } from 'src/common/net/guarded-http';
import type { RecipientRule } from './recipient-rule';

/**
 * An https URL without credentials that the delivery guard would let through: the same rules
 * (literal addresses in every spelling the URL parser accepts, IPv6 forms carrying a private
 * IPv4 address, localhost names, plain http only to allow-listed hosts). A hostname is judged
 * again on its resolved addresses when the webhook is sent, since DNS can change in between.
 */
export const webhookRecipientRule: RecipientRule = {
  describe:
    'an https URL on a public address, receiving a signed JSON POST (plain http only for hosts in OUTBOUND_ALLOW_HOSTS)',
  normalize: (value) => value.trim(),
  problems: async (values, { outboundAllowHosts }) =>
    values.map((value) => webhookProblem(value, outboundAllowHosts)),
};

function webhookProblem(value: string, allowHosts: string[]): string | null {
  let url: URL;
  try {
    ({ url } = checkOutboundUrl(value, allowHosts));
  } catch (error) {
    if (!(error instanceof OutboundBlockedError)) throw error;
    if (error.kind === 'invalid_url') return 'is not a URL';
    if (error.kind === 'scheme') return 'must be an http(s) URL';
    // The body carries a download link and the signature; in clear text anyone on the path
    // could fetch the report.
    if (error.kind === 'insecure') {
      return 'must use https (plain http only for hosts in OUTBOUND_ALLOW_HOSTS)';
    }
    return (
      `is refused: ${error.reason}, which webhooks may not reach ` +
      '(only hosts in OUTBOUND_ALLOW_HOSTS are exempt)'
    );
  }
  if (url.username || url.password) return 'must not carry credentials';
  return null;
}
