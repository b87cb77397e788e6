/**
 * Issue 19's flow in `npm start`'s embedded mode: scripts/start.ts as a child process (on
 * ports of its own, a data folder of the test's), then the clerks' `bin/lienthong` commands
 * of flow-steps.ts with the client configurations it wrote, as a newcomer runs the README's
 * walkthrough after `npm start`.
 */
import t from 'tap';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portBase, spawnNpmStart } from '../support/npm-start.ts';
import { runFlow } from './flow-steps.ts';

// The whole flow is some 60 commands and many waits on events: more than a file's default 300 s on a busy machine.
t.setTimeout(900_000);

void t.test('the province-to-commune flow runs on npm start', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-e2e-embedded-'));
  const workDir = await mkdtemp(join(tmpdir(), 'lienthong-e2e-work-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const suite = spawnNpmStart(dataDir, await portBase());
  t.teardown(() => void suite.child.kill('SIGKILL'));
  await suite.ready;
  const { signerPin } = JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8')) as { signerPin: string };
  await runFlow(t, { cliDir: join(dataDir, 'cli'), demoDir: join(dataDir, 'demo'), workDir, pin: signerPin });
  suite.child.kill('SIGINT');
  t.equal(await suite.exited, 0, 'npm start stops cleanly after the flow');
});
