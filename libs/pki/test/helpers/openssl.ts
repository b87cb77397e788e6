// Runs the openssl command line in a scratch folder; the tests judge our encodings by it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslResult {
  ok: boolean;
  out: string;
}

export interface Scratch {
  dir: string;
  file(name: string, data: Uint8Array | string): string;
  openssl(args: readonly string[]): OpensslResult;
  cleanup: () => void;
}

export function scratch(prefix: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, data) {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    },
    openssl(args) {
      // Both streams: openssl reports verification results on stderr.
      const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
