// What a real site's access log is made of, for the generated benchmark shapes: hundreds of route
// templates with ids in their paths (so that route folding has work), hundreds of user agents
// (browsers at many versions, crawlers, scripts), referers, and clients by popularity rank (a few
// NAT gateways carry much of the traffic, then a long tail). Built once from small word lists so
// the vocabulary is deterministic and needs no data file.
import { scramble, zipf } from './random.js';

const RESOURCES = [
  'product', 'category', 'order', 'cart', 'invoice', 'article', 'blog', 'tag', 'review', 'brand',
  'store', 'coupon', 'wishlist', 'address', 'payment', 'shipment', 'ticket', 'faq', 'video', 'event',
  'author', 'comment', 'newsletter', 'gift-card', 'return', 'offer', 'bundle', 'size-guide', 'seller', 'job',
];
const SUBS = ['items', 'reviews', 'images', 'history', 'status'];
const NAMES = [
  'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj',
  'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'yolanda',
];
const STATIC_PAGES = [
  '/', '/health', '/login', '/logout', '/checkout', '/search', '/feed.xml', '/robots.txt', '/sitemap.xml',
  '/favicon.ico', '/about', '/contact', '/terms', '/privacy', '/api/v2/session', '/api/v2/cart',
];

/** A path template: `{id}` a numeric id, `{name}` a user name, `{hex}` a build hash. */
export interface RouteTemplate {
  template: string;
  /** served by nginx itself (no upstream) */
  isStatic: boolean;
}

function buildRoutes(): RouteTemplate[] {
  const out: RouteTemplate[] = STATIC_PAGES.map((t) => ({ template: t, isStatic: t === '/robots.txt' || t === '/favicon.ico' }));
  RESOURCES.forEach((r, i) => {
    out.push({ template: `/${r}`, isStatic: false }, { template: `/${r}/{id}`, isStatic: false },
      { template: `/api/v2/${r}`, isStatic: false }, { template: `/api/v2/${r}/{id}`, isStatic: false },
      { template: `/api/v2/${r}/{id}/${SUBS[i % SUBS.length]}`, isStatic: false },
      { template: `/static/${r}.{hex}.js`, isStatic: true }, { template: `/img/${r}/{id}.jpg`, isStatic: true });
    // per-user pages: a name is no id, so each user's page is a route of its own unless a rule folds it
    if (i % 3 === 0) out.push({ template: `/user/{name}/${r}`, isStatic: false });
  });
  return out;
}

export const ROUTES: readonly RouteTemplate[] = buildRoutes();
/** Where huge bodies come from. */
export const DOWNLOAD_ROUTE = '/download/{uuid}';

/** A concrete path for a template: ids and names drawn Zipf-like, so paths number in the thousands. */
export function fillPath(template: string, rand: () => number): string {
  let p = template;
  if (p.includes('{id}')) p = p.replace('{id}', String(zipf(rand, 400, 1.1) * 37 + 10000));
  if (p.includes('{name}')) p = p.replace('{name}', NAMES[zipf(rand, NAMES.length, 1) - 1]);
  if (p.includes('{hex}')) p = p.replace('{hex}', (scramble(zipf(rand, 4, 1)) >>> 0).toString(16).padStart(8, '0') + 'c0ffee12');
  if (p.includes('{uuid}')) {
    const h = (n: number, w: number) => (scramble(n) >>> 0).toString(16).padStart(8, '0').slice(0, w);
    const k = Math.floor(rand() * 5000);
    p = p.replace('{uuid}', `${h(k, 8)}-${h(k + 1, 4)}-4${h(k + 2, 3)}-a${h(k + 3, 3)}-${h(k + 4, 8)}${h(k + 5, 4)}`);
  }
  return p;
}

function buildAgents(): string[] {
  const out: string[] = [];
  const desktops = ['Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 10_15_7', 'X11; Linux x86_64'];
  for (let v = 131; v >= 100; v--) {
    for (const os of desktops) out.push(`Mozilla/5.0 (${os}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`);
    out.push(`Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`);
    out.push(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`);
  }
  for (let v = 133; v >= 102; v--) {
    for (const os of ['Windows NT 10.0; Win64; x64; rv', 'Macintosh; Intel Mac OS X 10.15; rv', 'X11; Ubuntu; Linux x86_64; rv']) {
      out.push(`Mozilla/5.0 (${os}:${v}.0) Gecko/20100101 Firefox/${v}.0`);
    }
  }
  for (const ios of ['15_8', '16_0', '16_6', '17_0', '17_1', '17_2', '17_4', '17_5', '17_6', '18_0', '18_1']) {
    const v = ios.split('_')[0];
    out.push(`Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}.0 Mobile/15E148 Safari/604.1`);
    out.push(`Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}.0 Mobile/15E148 Safari/604.1`);
  }
  out.push(
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
    'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    'Mozilla/5.0 (compatible; Applebot/0.1; +http://www.apple.com/go/applebot)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
    'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
    'Mozilla/5.0 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)',
    'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)',
    'Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)',
    'Go-http-client/1.1', 'Go-http-client/2.0', 'Java/17.0.9', 'okhttp/4.12.0', 'Apache-HttpClient/4.5.14 (Java/11.0.21)',
  );
  for (const v of ['7.68.0', '7.74.0', '7.81.0', '7.88.1', '8.1.2', '8.4.0', '8.5.0']) out.push(`curl/${v}`);
  for (const v of ['1.20.3', '1.21', '1.21.2', '1.21.3', '1.21.4']) out.push(`Wget/${v}`);
  for (const v of ['2.25.1', '2.28.1', '2.28.2', '2.31.0', '2.32.3']) out.push(`python-requests/${v}`);
  return out;
}

/** Browsers first, crawlers and scripts in the tail: a Zipf pick favours the first ones. */
export const AGENTS: readonly string[] = buildAgents();

/** A referer: none, the site itself, a search engine or another site. */
export function referer(rand: () => number, sitePath: () => string): string {
  const u = rand();
  if (u < 0.42) return '-';
  if (u < 0.78) return `https://shop.example.com${sitePath()}`;
  if (u < 0.93) {
    const engines = ['https://www.google.com/', 'https://www.google.de/', 'https://www.google.co.uk/', 'https://www.bing.com/',
      'https://duckduckgo.com/', 'https://www.google.fr/', 'https://search.yahoo.com/', 'https://yandex.ru/'];
    return engines[zipf(rand, engines.length, 1.2) - 1];
  }
  const site = zipf(rand, 300, 1);
  return `https://blog${site}.example.net/post/${scramble(site) % 997}`;
}

/** Client number `rank` (1 = busiest) as an address: IPv4 spread over public-looking space, some IPv6. */
export function clientAddress(rank: number): string {
  const h = scramble(rank);
  if (rank % 23 === 7) return `2001:db8:${(h >>> 16).toString(16)}::${(h & 0xffff).toString(16)}`;
  let a = 11 + ((h >>> 24) % 212);
  if (a === 127 || a === 172 || a === 192) a++;
  return `${a}.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${1 + ((h & 255) % 254)}`;
}
