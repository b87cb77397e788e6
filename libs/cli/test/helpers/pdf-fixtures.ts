// Fixtures of the `lienthong pdf` tests: the CLI-built hierarchy with CRLs issued
// now (signatures are made at the current time), PDFs made with pdf-lib, a seal
// PNG, an OCSP response from libs/pki's responder, and a PKCS#12 from openssl.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  buildOcspRequest,
  fromPem,
  issueOcspResponse,
  keySigner,
  readCertificate,
  readPrivateKey,
} from '@lienthong/pki';
import { lienthong, type CliRun } from './cli.ts';
import { buildCliHierarchy, type CliHierarchy } from './hierarchy.ts';

/** A PDF of `pages` pages, as pdf-lib writes it (xref table, or xref and object streams). */
export async function makePdf(path: string, pages = 2, useObjectStreams = false): Promise<void> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++)
    doc.addPage([595, 842]).drawText(`Cong van so 12-CV/TU, trang ${i + 1}`, { x: 72, y: 640, font, size: 14 });
  writeFileSync(path, await doc.save({ useObjectStreams }));
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A red ring on transparency (RGBA PNG, 64×64): the office's seal image. */
export function sealPng(): Buffer {
  const size = 64;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - 31.5, y - 31.5);
      const on = r > 24 && r < 30;
      row.set(on ? [200, 20, 20, 255] : [0, 0, 0, 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pemDer = (path: string): Uint8Array => fromPem(readFileSync(path, 'latin1'))[0]!.der;

/** Everything a `lienthong pdf` test needs in `dir`. */
export interface PdfFixture {
  readonly h: CliHierarchy;
  readonly dir: string;
  /** `--tsa-key … --tsa-cert … --tsa-chain …`: the in-process TSA of the hierarchy. */
  readonly tsa: readonly string[];
  /** CRLs of the root and the intermediate, issued now (valid 30 days). */
  readonly crls: readonly string[];
  /** `--crl` arguments for the CRLs issued now. */
  readonly crlArgs: readonly string[];
  /** `--anchor root --crl …`: what `lienthong verify` needs for a PDF. */
  readonly trust: readonly string[];
  /** Runs the CLI in `dir` and fails loudly when it does not exit 0. */
  must(args: readonly string[], env?: Record<string, string>): CliRun;
}

/** Builds the hierarchy through the CLI, CRLs issued now, `doc.pdf`, `seal.png`, `person.ocsp` (good) in `dir`. */
export async function buildPdfFixture(dir: string): Promise<PdfFixture> {
  const h = buildCliHierarchy(dir);
  const must = (args: readonly string[], env: Record<string, string> = {}): CliRun => {
    const r = lienthong(dir, args, env);
    if (r.code !== 0) throw new Error(`lienthong ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r;
  };
  must([
    'pki',
    'crl',
    '--issuer-cert',
    'root/cert.pem',
    '--issuer-key',
    'root/key.pem',
    '--out',
    'root-now.crl',
    '--next-update-days',
    '30',
  ]);
  must([
    'pki',
    'crl',
    '--issuer-cert',
    'inter/cert.pem',
    '--issuer-key',
    'inter/key.pem',
    '--out',
    'inter-now.crl',
    '--next-update-days',
    '30',
  ]);
  await makePdf(join(dir, 'doc.pdf'));
  writeFileSync(join(dir, 'seal.png'), sealPng());
  const inter = readCertificate(pemDer(join(dir, h.intermediate)));
  const ocsp = await issueOcspResponse({
    request: buildOcspRequest({
      issuer: inter,
      certificates: [readCertificate(pemDer(join(dir, h.leaves.person)))],
      nonce: false,
    }),
    issuer: inter,
    responderCert: readCertificate(pemDer(join(dir, h.leaves.ocsp))),
    signer: keySigner(readPrivateKey(pemDer(join(dir, 'ocsp/key.pem')))),
    statusOf: () => ({ status: 'good' }),
    nextUpdate: 30 * 86400,
  });
  writeFileSync(join(dir, 'person.ocsp'), ocsp);
  const crls = ['root-now.crl', 'inter-now.crl'];
  const crlArgs = crls.flatMap((c) => ['--crl', c]);
  return {
    h,
    dir,
    tsa: ['--tsa-key', 'tsa/key.pem', '--tsa-cert', h.leaves.tsa, '--tsa-chain', h.intermediate],
    crls,
    crlArgs,
    trust: ['--anchor', h.root, ...crlArgs],
    must,
  };
}

/** A PKCS#12 of the person's key, certificate and the intermediate, protected by `password` (openssl pkcs12 -export). */
export function makePkcs12(dir: string, out: string, password: string): void {
  execFileSync(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-inkey',
      'person/key.pem',
      '-in',
      'person/cert.pem',
      '-certfile',
      'inter/cert.pem',
      '-passout',
      `pass:${password}`,
      '-out',
      out,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}
