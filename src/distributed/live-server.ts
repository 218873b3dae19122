// `pareto-edge serve`: plain node:http, two routes — the page and the JSON it polls. Loopback only
// unless told otherwise: the page shows paths and host names.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { LIVE_PAGE } from './live-page.js';
import { readLiveStatus } from './live-status.js';

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

export async function serveLive(
  expDir: string,
  { port = 8080, host = '127.0.0.1' } = {},
): Promise<LiveServer> {
  await readLiveStatus(expDir); // a directory that is not an experiment fails here, not in the browser
  const server = http.createServer((request, response) => {
    const route = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (route === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LIVE_PAGE);
    } else if (route === '/status.json') {
      readLiveStatus(expDir).then(
        (status) =>
          response
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify(status)),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
      );
    } else if (route === '/favicon.ico') {
      response.writeHead(204).end();
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try / or /status.json');
    }
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
