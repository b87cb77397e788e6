/**
 * A SoftHSM2 token in a temp folder for tests of PKCS#11 keys. SoftHSM reads its
 * configuration from SOFTHSM2_CONF at C_Initialize, so the variable is set for this process.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolPath } from './judges.ts';

/** An initialised token: where its module is, its label and PINs; `remove` deletes it. */
export interface SoftHsmToken {
  modulePath: string;
  tokenLabel: string;
  pin: string;
  soPin: string;
  remove(): void;
}

/** Initialises a fresh token (throws with softhsm2-util's output when it cannot). */
export function createSoftHsmToken(
  modulePath: string,
  tokenLabel = 'lienthong-test',
  pin = '246810',
  soPin = '13579111',
): SoftHsmToken {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(
    join(dir, 'softhsm2.conf'),
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  const init = spawnSync(
    toolPath('softhsm2-util') ?? 'softhsm2-util',
    ['--init-token', '--free', '--label', tokenLabel, '--so-pin', soPin, '--pin', pin],
    { encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token: ${init.stdout}${init.stderr}`);
  return { modulePath, tokenLabel, pin, soPin, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
