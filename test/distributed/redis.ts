// A real redis-server for the queue tests: on a free loopback port, in its own folder, stopped after.
// Tests skip (saying why) where redis-server is not installed; scripts/setup.sh installs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const NO_REDIS = existsSync(REDIS_SERVER)
  ? false
  : `${REDIS_SERVER} is not installed (scripts/setup.sh installs Debian's redis-server)`;

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM: with appendonly it writes its data first). */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port and folder. */
  restart(): Promise<void>;
}

/** A free port: the kernel picks one for a listener that is closed at once. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** persist: keep the data across restarts (append-only file, synced on every write). */
export async function startRedis(dir: string, { persist = false } = {}): Promise<RedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  args.push(...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    await waitForPing(port);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, restart: async () => (await stop(), await start()) };
}

async function waitForPing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ping(port)) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => (socket.destroy(), resolve(false)));
  });
}
