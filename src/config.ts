import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** Every setting the app reads from the environment; the README lists the same ones. */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_PATH: z.string().min(1).default('./data/mimamori.db'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET は32文字以上にしてください').optional(),
    MIMAMORI_DEMO: z.enum(['on', 'off']).default('on'),
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(12),
    TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.SESSION_SECRET !== undefined, {
    message: 'NODE_ENV=production では SESSION_SECRET が必要です',
    path: ['SESSION_SECRET'],
  });

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
 * Outside production the session secret is generated once and kept beside the
 * database, so that restarts keep people signed in without any setup.
 */
export function sessionSecretFor(config: Config): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.DATABASE_PATH === ':memory:') return randomBytes(32).toString('hex');
  const file = join(dirname(config.DATABASE_PATH), 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
