/** runService as a process: bounded shutdown and a port already in use. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { testAuthEnv } from '../../../test/support/auth.ts';

const fixture = fileURLToPath(new URL('./fixtures/stuck-service.ts', import.meta.url));
const env = {
  PATH: process.env.PATH ?? '',
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://postgres@127.0.0.1:56432/lienthong',
  LIENTHONG_STORAGE_DIR: '/tmp/lienthong-test',
};

function run(extra: Record<string, string>) {
  const child = spawn(process.execPath, [fixture], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exit.finally(() => clearTimeout(killer));
  return { child, exit, stdout: () => out };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error('condition not met within 30 s');
}

async function listeningServer() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

void t.test('a close that never finishes is cut off by the shutdown timeout: exit 1', async (t) => {
  const { server, port } = await listeningServer();
  server.close();
  await once(server, 'close');
  const service = run({ LIENTHONG_PORT: String(port), LIENTHONG_SHUTDOWN_TIMEOUT_MS: '300' });
  await until(() => service.stdout().includes('listening on'));
  service.child.kill('SIGTERM');
  t.equal(await service.exit, 1);
  t.match(service.stdout(), 'shutdown took longer than 300 ms; exiting');
});

void t.test('a port already in use: logged, exit 1', async (t) => {
  const { server, port } = await listeningServer();
  t.teardown(() => {
    server.close();
  });
  const service = run({ LIENTHONG_PORT: String(port), LIENTHONG_SHUTDOWN_TIMEOUT_MS: '300' });
  t.equal(await service.exit, 1);
  t.match(service.stdout(), `stuck could not listen on 127.0.0.1:${port}`);
});
