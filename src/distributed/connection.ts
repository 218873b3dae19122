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

/** The part of an ioredis client the reachability check uses. */
interface ProbeClient {
  connect(): Promise<void>;
  ping(): Promise<string>;
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
type IORedisConstructor = new (
  options: Record<string, unknown>,
) => Parameters<typeof createIORedisClient>[0] & ProbeClient;

let driver: Promise<IORedisConstructor> | null = null;

/**
 * Makes BullMQ create its Redis clients with ioredis. BullMQ 6 no longer depends on a driver and, as an
 * ES module, cannot load one by itself: it asks RedisConnection.clientFactory. Loaded on first use, so
 * commands without --queue never need ioredis.
 */
export function useRedisDriver(): Promise<IORedisConstructor> {
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
    return Redis;
  })();
  return driver;
}

/** How long the first connection may take before the command gives up, saying why. */
const FIRST_CONNECTION_TIMEOUT_MS = 5000;

/**
 * The connection options of a queue URL, once Redis has answered there. Later disconnections are
 * waited out (the clients reconnect forever), but a Redis that is not there at the start is a mistake
 * to report, not to retry silently.
 */
export async function connectQueue(url: string): Promise<ConnectionOptions> {
  const options = connectionFromUrl(url);
  const Redis = await useRedisDriver();
  const probe = new Redis({
    ...options,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: FIRST_CONNECTION_TIMEOUT_MS,
  });
  let cause: Error | null = null;
  probe.on('error', (error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new QueueInputError(
      `cannot reach Redis at ${redactUrl(url)} (${(cause ?? (error as Error)).message}): start redis-server there, or check the host, port and password of --queue`,
    );
  } finally {
    probe.disconnect();
  }
  return options;
}

/** Logs each distinct error once a minute at most: a Redis down for an hour is one line a minute. */
export function quietErrors(log: (line: string) => void): (error: Error) => void {
  const lastSeen = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    if (now - (lastSeen.get(error.message) ?? -Infinity) < 60_000) return;
    lastSeen.set(error.message, now);
    log(`queue: ${error.message}`);
  };
}
