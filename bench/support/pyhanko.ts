/**
 * pyHanko as a benchmark peer: small Python scripts run with the venv's interpreter (the
 * one `toolPath('pyhanko')` belongs to). One signs a PDF in memory N times for a few seconds
 * (PAdES B-B, `pyhanko.sign.signers.sign_pdf`); the other signs or validates a file once and
 * reports its peak RSS over its idle RSS, measured as `memory-child.ts` measures ours.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../../test/support/judges.ts';
import type { KeyFiles } from './pades-fixtures.ts';
import type { MemoryFigure } from './memory.ts';

const run = promisify(execFile);

/** The python of the pyHanko venv; throws when pyHanko is not installed. */
export function pyhankoPython(): string {
  const cli = toolPath('pyhanko');
  if (cli === undefined)
    throw new Error("pyHanko not found (installed by 'infra/local up' into ~/.cache/lienthong/pyhanko-*)");
  return join(dirname(cli), 'python');
}

const COMMON = `
import io, json, sys, time
from pyhanko.sign import fields, signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

def rss(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    raise RuntimeError(field)

def signer_of(key, cert, chain):
    return signers.SimpleSigner.load(key, cert, ca_chain_files=(chain,))

META = signers.PdfSignatureMetadata(field_name='Signature1', md_algorithm='sha256', subfilter=fields.SigSeedSubFilter.PADES)
`;

const THROUGHPUT = `${COMMON}
key, cert, chain, pdf_path, seconds = sys.argv[1:6]
signer = signer_of(key, cert, chain)
with open(pdf_path, 'rb') as f:
    data = f.read()

def sign_once():
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data)), META, signer=signer, output=out)
    return out

for _ in range(3):
    sign_once()
n = 0
start = time.perf_counter()
while time.perf_counter() - start < float(seconds):
    sign_once()
    n += 1
elapsed = time.perf_counter() - start
print(json.dumps({'perSecond': n / elapsed, 'count': n}))
`;

const MEMORY = `${COMMON}
import gc
mode, key, cert, chain, root, src, dst = sys.argv[1:8]
signer = signer_of(key, cert, chain)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko.keys import load_cert_from_pemder
gc.collect()
idle = rss('VmRSS')
try:
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    reset = True
except OSError:
    reset = False
start = time.perf_counter()
ok = True
if mode == 'sign':
    with open(src, 'rb') as inf, open(dst, 'wb') as outf:
        signers.sign_pdf(IncrementalPdfFileWriter(inf), META, signer=signer, output=outf)
else:
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(root)], moment=None)
    with open(src, 'rb') as inf:
        sig = PdfFileReader(inf).embedded_signatures[0]
        status = validate_pdf_signature(sig, vc)
        ok = bool(status.intact and status.valid)
seconds = time.perf_counter() - start
print(json.dumps({'idle': idle, 'peak': rss('VmHWM'), 'peakFromHwm': reset, 'seconds': seconds, 'ok': ok}))
`;

function script(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** pyHanko B-B signatures per second of the PDF at `pdfPath`, from memory to memory, after 3 warm-up signatures. */
export async function pyhankoSignRate(
  keys: KeyFiles,
  pdfPath: string,
  seconds: number,
): Promise<{ perSecond: number; count: number }> {
  const path = script(keys.dir, 'pyhanko-rate.py', THROUGHPUT);
  const { stdout } = await run(pyhankoPython(), [path, keys.key, keys.cert, keys.chain, pdfPath, String(seconds)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { perSecond: number; count: number };
}

/** pyHanko's peak RSS over idle while signing `src` file → `dst` file, or validating `src` (its first signature). */
export async function pyhankoMemory(
  mode: 'sign' | 'verify',
  keys: KeyFiles,
  src: string,
  dst: string,
): Promise<MemoryFigure & { ok: boolean }> {
  const path = script(keys.dir, 'pyhanko-memory.py', MEMORY);
  const { stdout } = await run(pyhankoPython(), [path, mode, keys.key, keys.cert, keys.chain, keys.root, src, dst], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as MemoryFigure & { ok: boolean };
}
