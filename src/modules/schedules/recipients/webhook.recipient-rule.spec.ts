import type { RecipientRuleContext } from './recipient-rule';
import { webhookRecipientRule } from './webhook.recipient-rule';

async function problemOf(value: string, allowHosts: string[] = []): Promise<string | null> {
  const context = { outboundAllowHosts: allowHosts } as unknown as RecipientRuleContext;
  const [problem] = await webhookRecipientRule.problems([value], context);
  return problem;
}

describe('webhookRecipientRule', () => {
  it('accepts https on a public host or address', async () => {
    expect(await problemOf('https://hooks.example.com/in?x=1')).toBeNull();
    expect(await problemOf('https://[2002:5db8:d822::1]/in')).toBeNull();
  });

  it.each(['http://hooks.example.com/in', 'http://93.184.216.34/in', 'HTTP://Hooks.Example.com/'])(
    'refuses plain http to %s',
    async (value) => {
      expect(await problemOf(value)).toBe(
        'must use https (plain http only for hosts in OUTBOUND_ALLOW_HOSTS)',
      );
    },
  );

  it('lets allow-listed hosts use plain http', async () => {
    expect(await problemOf('http://receiver.internal:8080/in', ['receiver.internal'])).toBeNull();
  });

  it.each([
    ['https://[2002:7f00:1::1]/in', '127.0.0.1'],
    ['https://[2002:a9fe:a9fe::]/latest/meta-data', '169.254.169.254'],
    ['https://[2606:2800:220:1:0:5efe:a00:1]/in', '10.0.0.1'],
  ])('refuses %s, which carries %s', async (value, ipv4) => {
    expect(await problemOf(value)).toMatch(new RegExp(`carries ${ipv4.replace(/\./g, '\\.')}`));
  });

  it.each([
    'https://[2001::1]/in',
    'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/in',
    'https://[64:ff9b::a00:1]/in',
    'https://[64:ff9b:1::a00:1]/in',
    'https://[fec0::1]/in',
    'https://[::ffff:0:a00:1]/in',
  ])('refuses %s', async (value) => {
    expect(await problemOf(value)).toMatch(/private or reserved address/);
  });
});
