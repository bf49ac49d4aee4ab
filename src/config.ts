import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/** Log levels pino knows; `silent` turns logging off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Which proxies to believe about the client's address (Fastify's `trustProxy`):
 * `false` (no proxy), a number of proxy hops, or the proxies' addresses and CIDR
 * ranges. A bare `true` would believe the left-most X-Forwarded-For entry,
 * which the client writes itself, so it is refused.
 */
export type TrustProxy = false | number | string[];

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const TRUST_PROXY_HELP =
  'プロキシの段数（nginx や Caddy を1段はさむなら 1）か、プロキシのアドレスをコンマ区切りで書いてください（例: TRUST_PROXY=1、TRUST_PROXY=127.0.0.1 、TRUST_PROXY=10.0.0.0/8,192.168.1.5）。プロキシがないときは false にするか、設定しません。';

const trustProxySchema = z
  .string()
  .optional()
  .transform((raw, ctx): TrustProxy => {
    const value = (raw ?? '').trim();
    if (value === '' || value.toLowerCase() === 'false' || value === '0') return false;
    if (value.toLowerCase() === 'true') {
      ctx.addIssue({
        code: 'custom',
        message: `true は使えません（利用者が X-Forwarded-For に書いたアドレスをそのまま信じてしまうため）。${TRUST_PROXY_HELP}`,
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops > 10) {
        ctx.addIssue({ code: 'custom', message: `プロキシの段数が多すぎます（${value}）。${TRUST_PROXY_HELP}` });
        return z.NEVER;
      }
      return hops;
    }
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const bad = entries.filter((e) => !isAddressOrCidr(e));
    if (entries.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `読み取れない値です（${bad.join('、') || value}）。${TRUST_PROXY_HELP}` });
      return z.NEVER;
    }
    return entries;
  });

/**
 * TRUST_PROXY as Fastify's `trustProxy` option. A hop count becomes the same
 * test Fastify applies to a number (believe the nearest `hops` addresses),
 * written as a function because Fastify's types do not list numbers.
 */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') {
    const hops = trust;
    return hops === 0 ? false : (_address: string, hop: number) => hop < hops;
  }
  return trust;
}

/** Every setting the app reads from the environment; the README lists the same ones. */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PATH: z.string().min(1).default('./data/mimamori.db'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET は32文字以上にしてください').optional(),
    /** Unset: on outside production, off in production (decided below). */
    MIMAMORI_DEMO: z.enum(['on', 'off'], { message: 'MIMAMORI_DEMO は on か off にしてください' }).optional(),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(12),
    TRUST_PROXY: trustProxySchema,
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `LOG_LEVEL は ${LOG_LEVELS.join('、')} のどれかにしてください` }).default('info'),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.SESSION_SECRET !== undefined, {
    message: 'NODE_ENV=production では SESSION_SECRET が必要です',
    path: ['SESSION_SECRET'],
  })
  .transform((c) => ({ ...c, MIMAMORI_DEMO: c.MIMAMORI_DEMO ?? (c.NODE_ENV === 'production' ? 'off' : 'on') }) as const);

export type Config = z.infer<typeof configSchema>;

/** Reads and validates the environment; throws a readable message on bad settings. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`設定（環境変数）に誤りがあります:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Files the app writes are for the account that runs it only: new files 0600,
 * new folders 0700, whatever umask the process was started with.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Sets the process umask so that everything created from here on is private (server and CLI start-up). */
export function restrictFileModes(): void {
  process.umask(0o077);
}

/** Creates `dir` (and missing parents) as 0700; an existing folder is left as it is unless `own` says it is ours. */
export function makePrivateDir(dir: string, options: { own?: boolean } = {}): void {
  const path = resolve(dir);
  const existed = existsSync(path);
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!existed || options.own) {
    try {
      chmodSync(path, PRIVATE_DIR_MODE);
    } catch (err) {
      // A folder someone else owns is left as it is.
      if ((err as { code?: string }).code !== 'EPERM') throw err;
    }
  }
}

/**
 * Outside production the session secret is generated once and kept beside the
 * database, so that restarts keep people signed in without any setup.
 */
export function sessionSecretFor(config: Config): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.DATABASE_PATH === ':memory:') return randomBytes(32).toString('hex');
  const file = join(dirname(config.DATABASE_PATH), 'session-secret');
  if (existsSync(file)) {
    try {
      chmodSync(file, PRIVATE_FILE_MODE); // one an older version left readable
    } catch {
      // Not ours to change: use it as it is.
    }
    return readFileSync(file, 'utf8').trim();
  }
  makePrivateDir(dirname(file));
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: PRIVATE_FILE_MODE });
  chmodSync(file, PRIVATE_FILE_MODE);
  return secret;
}
