import type { AppConfigService } from 'src/config/app-config.service';
import type { Organization } from 'src/modules/organizations/entities/organization.entity';
import type { MembersRepository } from 'src/modules/organizations/members.repository';
import { RecipientsValidator } from './recipients.validator';

const org = {
  id: 'org-1',
  max_recipients: 20,
  allowed_email_domains: [],
} as unknown as Organization;

function validatorWith(allowHosts: string[] = []) {
  const members = {
    findActiveByEmails: async () => [],
    findActiveByUserIds: async () => [],
  } as unknown as MembersRepository;
  const config = { values: { outboundAllowHosts: allowHosts } } as unknown as AppConfigService;
  return new RecipientsValidator(members, config);
}

async function webhookErrors(value: string, allowHosts: string[] = []) {
  const { errors } = await validatorWith(allowHosts).validate(org, [{ type: 'webhook', value }]);
  return errors;
}

describe('RecipientsValidator: webhook targets', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', '127.0.0.1'],
    ['http://10.0.0.1/hook', '10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['http://[::1]/hook', '::1'],
    ['http://[::ffff:127.0.0.1]/hook', '127.0.0.1'],
    ['http://2130706433/hook', '127.0.0.1'],
    ['http://0x7f.1/hook', '127.0.0.1'],
    ['http://0177.0.0.1/hook', '127.0.0.1'],
    ['https://[fd00::1]/hook', 'fd00::1'],
  ])('refuses %s, naming the address it means', async (value, address) => {
    expect(await webhookErrors(value)).toEqual([
      `recipients[0].value '${value}' is refused: ${address} is a private or reserved address, ` +
        'which webhooks may not reach (only hosts in OUTBOUND_ALLOW_HOSTS are exempt)',
    ]);
  });

  it.each(['http://localhost/hook', 'http://LOCALHOST:3000/', 'http://app.localhost/'])(
    'refuses %s as this machine',
    async (value) => {
      expect(await webhookErrors(value)).toEqual([
        expect.stringMatching(/is refused: [a-z.]*localhost is this machine \(loopback\)/),
      ]);
    },
  );

  it.each([
    ['ftp://files.example/x', "'ftp://files.example/x' must be an http(s) URL"],
    ['not a url', "'not a url' is not a URL"],
    [
      'https://user:pw@hooks.example/x',
      "'https://user:pw@hooks.example/x' must not carry credentials",
    ],
  ])('refuses %s', async (value, message) => {
    expect(await webhookErrors(value)).toEqual([`recipients[0].value ${message}`]);
  });

  it('accepts public targets, and private ones that OUTBOUND_ALLOW_HOSTS lists', async () => {
    expect(await webhookErrors('https://hooks.example.com/in?x=1')).toEqual([]);
    expect(await webhookErrors('https://93.184.216.34/in')).toEqual([]);
    expect(await webhookErrors('http://127.0.0.1:8080/hook', ['127.0.0.1'])).toEqual([]);
    expect(await webhookErrors('http://2130706433/hook', ['127.0.0.1'])).toEqual([]);
    expect(await webhookErrors('http://[::1]:8080/hook', ['::1'])).toEqual([]);
    expect(await webhookErrors('http://LOCALHOST/hook', ['localhost'])).toEqual([]);
    expect(await webhookErrors('http://10.0.0.1/hook', ['127.0.0.1'])).toHaveLength(1);
  });
});
