/** Three tiers (HOUSE-STYLE 16): unit specs beside the code, integration and e2e under test/. */
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  moduleNameMapper: {
    '^src/(.*)$': '<rootDir>/src/$1',
    '^test/(.*)$': '<rootDir>/test/$1',
    '^scripts/(.*)$': '<rootDir>/scripts/$1',
  },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      // web/src: the console's pure modules (no DOM), beside their code too.
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      // test/security: the attacker's view (tenancy, roles, tokens, hostile input), same real app.
      testMatch: [
        '<rootDir>/test/e2e/**/*.e2e-spec.ts',
        '<rootDir>/test/security/**/*.e2e-spec.ts',
      ],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/utils/quiet-queues.ts'],
    },
    {
      ...common,
      // Real processes killed mid-flight, real servers stopped; the ledger is counted at the peers.
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/utils/quiet-queues.ts'],
    },
    {
      ...common,
      // The web console in Debian's Chromium (playwright-core), against the real app.
      displayName: 'console',
      testMatch: ['<rootDir>/test/console/**/*.console-spec.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/utils/quiet-queues.ts'],
    },
    {
      ...common,
      // `npm run console:screenshots` only: writes docs/screenshots/*.png.
      displayName: 'screenshots',
      testMatch: ['<rootDir>/test/console/**/*.screenshots.ts'],
      globalSetup: '<rootDir>/test/utils/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/utils/quiet-queues.ts'],
    },
  ],
};
