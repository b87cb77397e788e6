/**
 * The demo callers' chooser: served only when the suite configures the file (npm start), never
 * cached; a malformed file stops the start with a message naming the variable.
 */
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConsoleConfig } from '../src/config.ts';
import { consoleApp } from './support.ts';

const callers = {
  callers: [
    { office: 'VPTU-DEMO', role: 'registry', name: 'Trần Thị Bình', subject: 'person:van-thu', token: 'a.b.c' },
  ],
};

void t.test('empty unless configured: a real deployment has no chooser', async (t) => {
  const app = await consoleApp(t);
  const res = await app.inject({ method: 'GET', url: '/session/demo-callers' });
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.equal(res.headers['cache-control'], 'no-store');
});

void t.test('configured: the list as the suite wrote it, not cached', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'console-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'callers.json');
  await writeFile(file, JSON.stringify(callers));
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: file });
  const res = await app.inject({ method: 'GET', url: '/session/demo-callers' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), callers);
  t.equal(res.headers['cache-control'], 'no-store');
});

void t.test('a malformed or missing file stops the start, naming the variable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'console-demo-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.json');
  for (const content of [
    '{',
    '{"callers":[{"office":"X"}]}',
    '[]',
    JSON.stringify({ callers: [{ ...callers.callers[0], token: '' }] }),
  ]) {
    await writeFile(bad, content);
    const config = loadConsoleConfig({ LIENTHONG_LOG_LEVEL: 'silent', LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: bad });
    await t.rejects(buildApp(config), /LIENTHONG_CONSOLE_DEMO_CALLERS_FILE/, content);
  }
  const config = loadConsoleConfig({ LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: join(dir, 'none.json') });
  await t.rejects(buildApp(config), /LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: cannot read/);
});
