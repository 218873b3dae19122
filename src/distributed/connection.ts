// The Redis connection every queue client uses, from a redis:// or rediss:// (TLS) URL. BullMQ's
// workers block on Redis and must wait out a restart rather than fail their commands, hence
// maxRetriesPerRequest: null and a reconnection that never gives up (bullmq#2565, DESIGN.md).
import { createIORedisClient, RedisConnection, type ConnectionOptions } from 'bullmq';
import { UserInputError } from '../util/errors.js';

export class QueueInputError extends UserInputError {
  override name = 'QueueInputError';
}

/** Longest wait between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 5000;

export function connectionFromUrl(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueInputError(
      `--queue ${url} is not a URL; pass redis://HOST:PORT (or redis://:PASSWORD@HOST:PORT/DB, rediss:// for TLS)`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new QueueInputError(
      `--queue ${redactUrl(url)} must start with redis:// (or rediss:// for TLS), not ${parsed.protocol}//`,
    );
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new QueueInputError(
      `--queue ${redactUrl(url)}: the database after the host must be a number, not "${db}"`,
    );
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
  };
}

/** The URL without its password, for logs and files. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

type IORedisClient = Parameters<typeof createIORedisClient>[0];
type IORedisConstructor = new (options: Record<string, unknown>) => IORedisClient;

let driver: Promise<void> | null = null;

/**
 * Makes BullMQ create its Redis clients with ioredis. BullMQ 6 no longer depends on a driver and, as an
 * ES module, cannot load one by itself: it asks RedisConnection.clientFactory. Loaded on first use, so
 * commands without --queue never need ioredis.
 */
export function useRedisDriver(): Promise<void> {
  driver ??= (async () => {
    // A name in a variable: the driver is optional, so type checking must not require it.
    const name = 'ioredis';
    let loaded: { Redis?: IORedisConstructor; default?: IORedisConstructor };
    try {
      loaded = (await import(name)) as typeof loaded;
    } catch {
      throw new QueueInputError(
        "the queue needs the ioredis package, which is not installed: npm install ioredis (in pareto-edge's folder)",
      );
    }
    const Redis = loaded.Redis ?? loaded.default;
    if (Redis === undefined) throw new Error('the ioredis package exports no Redis client');
    RedisConnection.clientFactory = (options) => createIORedisClient(new Redis(options));
  })();
  return driver;
}
