/**
 * `lienthong delivery evidence DOC -o DIR`: the offline evidence bundle of a document the
 * caller's office issued (issue 17; layout in libs/evidence README "Bundles"): the issued PDF,
 * every sealed evidence of its delivery with its inclusion proof and batch time-stamp, and the
 * CA and TSA certificates and CRLs a verifier needs besides its trust anchor, so that
 * `lienthong verify DIR --anchor root.pem` checks it with no network.
 *
 * The bundle is written to a fresh folder next to DIR and renamed into place at the end: an
 * export cut short leaves no half bundle. The PDF is streamed to disk and hashed on the way,
 * never held whole.
 */
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assembleBundle, type BundleEvidence, type InclusionProof } from '@lienthong/evidence';
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig, type ClientConfig } from '../client/client-config.ts';
import { callService, fetchServiceFile, sendToService, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { fileErrorReason } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';
import { asClient } from './doc-client.ts';

/** One evidence as `GET /v1/deliveries/{id}/evidence` lists it. */
interface EvidenceAnswer {
  id: string;
  event: string;
  recipientOffice: string | null;
  sealed: boolean;
  cms: string | null;
  proof: { index: number; size: number; path: string[] } | null;
  timestamp: string | null;
}

interface EvidencePage {
  delivery: { id: string; documentId: string; document: { sha256: string; length: number } };
  evidence: EvidenceAnswer[];
  timestamps: { id: string; token: string }[];
  nextAfter: string | null;
}

/** The certificate roles of signing's CA whose certificates a verifier needs (seals travel in each CMS). */
const caRoles = new Set(['root', 'issuing-ca', 'tsa']);

/** What the export found and wrote. */
interface ExportSummary {
  documentId: string;
  deliveryId: string;
  dir: string;
  evidence: number;
  unsealed: number;
  unstamped: number;
  certificates: number;
  crls: number;
  document: { sha256: string; length: number };
}

/** Every page of the delivery's evidence: sealed ones with their stamps, and the counts of those not yet. */
async function fetchEvidence(
  io: CliIo,
  config: ClientConfig,
  path: string,
): Promise<{ first: EvidencePage; evidence: BundleEvidence[]; unsealed: number; unstamped: number }> {
  const evidence: BundleEvidence[] = [];
  let first: EvidencePage | undefined;
  let unsealed = 0;
  let unstamped = 0;
  let after: string | undefined;
  do {
    const page = await callService<EvidencePage>(io, config, 'delivery', {
      method: 'GET',
      path,
      query: { after, limit: 1000 },
    });
    first ??= page;
    const tokens = new Map(page.timestamps.map((s) => [s.id, Buffer.from(s.token, 'base64')]));
    for (const e of page.evidence) {
      if (!e.sealed || e.cms === null) {
        unsealed++;
        continue;
      }
      const cms = Buffer.from(e.cms, 'base64');
      const token = e.timestamp === null ? undefined : tokens.get(e.timestamp);
      if (token === undefined || e.proof === null) {
        unstamped++;
        evidence.push({ cms });
        continue;
      }
      const proof: InclusionProof = {
        index: e.proof.index,
        size: e.proof.size,
        path: e.proof.path.map((h) => Buffer.from(h, 'hex')),
      };
      evidence.push({ cms, stamp: { proof, token } });
    }
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
  return { first, evidence, unsealed, unstamped };
}

/** The CA certificates (root as data, issuing CA, TSA) and current CRLs, from signing's public routes. */
async function fetchCaMaterial(
  io: CliIo,
  config: ClientConfig,
): Promise<{ certificates: Uint8Array[]; crls: Uint8Array[] }> {
  const certificates: Uint8Array[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: { certificates: { id: string; role: string }[]; nextOffset: number | null } = await callService(
      io,
      config,
      'signing',
      { method: 'GET', path: '/v1/ca/certificates', query: { limit: 100, offset }, anonymous: true },
    );
    for (const c of page.certificates)
      if (caRoles.has(c.role))
        certificates.push(
          await fetchServiceFile(
            io,
            config,
            'signing',
            { method: 'GET', path: `/v1/ca/certificates/${encodeURIComponent(c.id)}`, anonymous: true },
            'application/pkix-cert',
          ),
        );
    offset = page.nextOffset;
  }
  const crls: Uint8Array[] = [];
  for (const issuer of ['issuing-ca', 'root'])
    crls.push(
      await fetchServiceFile(
        io,
        config,
        'signing',
        { method: 'GET', path: '/v1/ca/crl', query: { issuer }, anonymous: true },
        'application/pkix-crl',
      ),
    );
  return { certificates, crls };
}

/** Streams the delivery's PDF to `path`, hashing it; a progress bar on stderr over 4 MiB. */
async function downloadDocument(
  io: CliIo,
  config: ClientConfig,
  source: string,
  path: string,
): Promise<{ sha256: string; length: number }> {
  const response = await sendToService(io, config, 'delivery', {
    method: 'GET',
    path: source,
    headers: { accept: 'application/pdf, application/problem+json' },
  });
  const hash = createHash('sha256');
  const total = Number(response.headers.get('content-length') ?? 0);
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  let length = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      length += chunk.length;
      if (total > 4 * 1024 * 1024) {
        const share = Math.min(30, Math.floor((length / total) * 30));
        io.stderr(`\rdownload [${'#'.repeat(share)}${' '.repeat(30 - share)}] ${mb(length)}/${mb(total)} MB`);
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body!), count, createWriteStream(path));
  } finally {
    if (total > 4 * 1024 * 1024) io.stderr('\n');
  }
  return { sha256: hash.digest('hex'), length };
}

/** DIR as given, resolved; refused when it exists and is not an empty folder. */
function outputFolder(io: CliIo, output: string): string {
  const full = resolve(io.cwd, output);
  if (!existsSync(full)) return full;
  let entries: string[];
  try {
    entries = readdirSync(full);
  } catch (e) {
    throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: ${fileErrorReason(e)}.`, { cause: e });
  }
  if (entries.length > 0)
    throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: not empty; a bundle is written to a new or empty folder.`);
  return full;
}

/** Where a bundle's pieces come from: the sender's delivery, or a recipient's inbox entry. */
interface BundleSource {
  /** What the bundle is of, for messages. */
  what: string;
  /** `GET` path of the evidence pages. */
  evidence: string;
  /** `GET` path of the PDF. */
  content: string;
}

/** The sender's delivery of document `documentId`; DELIVERY_NOT_FOUND when the caller's office sent none. */
async function senderSource(io: CliIo, config: ClientConfig, documentId: string): Promise<BundleSource> {
  const { deliveries } = await callService<{ deliveries: { id: string }[] }>(io, config, 'delivery', {
    method: 'GET',
    path: '/v1/deliveries',
    query: { document: documentId },
  });
  const deliveryId = deliveries[0]?.id;
  if (deliveryId === undefined)
    throw new ServiceRefusal({
      status: 404,
      code: 'DELIVERY_NOT_FOUND',
      detail: `no delivery of ${documentId} sent by your office (is it issued?)`,
    });
  const base = `/v1/deliveries/${encodeURIComponent(deliveryId)}`;
  return { what: `the delivery of ${documentId}`, evidence: `${base}/evidence`, content: `${base}/content` };
}

/** The caller's office's inbox entry `id`: its leg and the submission (INBOX_ENTRY_NOT_FOUND from the service otherwise). */
function recipientSource(id: string): BundleSource {
  const base = `/v1/inbox/${encodeURIComponent(id)}`;
  return { what: `inbox entry ${id}`, evidence: `${base}/evidence`, content: `${base}/content` };
}

async function exportBundle(
  io: CliIo,
  config: ClientConfig,
  source: BundleSource,
  output: string,
): Promise<ExportSummary> {
  const { first, evidence, unsealed, unstamped } = await fetchEvidence(io, config, source.evidence);
  const { id: deliveryId, documentId } = first.delivery;
  if (evidence.length === 0)
    throw new ServiceRefusal({
      status: 409,
      code: 'EVIDENCE_NOT_SEALED',
      detail: `no evidence of ${source.what} is sealed yet (${unsealed} waiting): try again later`,
    });
  const { certificates, crls } = await fetchCaMaterial(io, config);
  const target = outputFolder(io, output);
  const work = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  try {
    mkdirSync(work, { recursive: true });
    const document = await downloadDocument(io, config, source.content, join(work, 'document.pdf'));
    const expected = first.delivery.document;
    if (document.sha256 !== expected.sha256 || document.length !== expected.length)
      throw new CliError(
        'SERVICE_UNREACHABLE',
        `the document fetched (${document.length} bytes, SHA-256 ${document.sha256}) is not the one delivered (${expected.length} bytes, ${expected.sha256}).`,
      );
    const files = assembleBundle({ documentId, document, evidence, certificates, crls });
    for (const [path, bytes] of files) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), bytes);
    }
    if (existsSync(target)) rmdirSync(target);
    renameSync(work, target);
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    if (e instanceof CliError || e instanceof ServiceRefusal) throw e;
    throw new CliError('OUTPUT_NOT_WRITABLE', `${output}: ${fileErrorReason(e)}.`, { cause: e });
  }
  return {
    documentId,
    deliveryId,
    dir: output,
    evidence: evidence.length,
    unsealed,
    unstamped,
    certificates: certificates.length,
    crls: crls.length,
    document: first.delivery.document,
  };
}

const options = `  -o, --output DIR  the folder to write (new or empty)
  --config FILE     client configuration (default: $LIENTHONG_CONFIG):
                    { "endpoints": { "delivery": "http://…", "signing": "http://…" },
                      "token": "…" }
  --json            print what was written as JSON`;

/** Runs an export command named `name` whose one argument `what` names the source `sourceOf` finds. */
async function runExport(
  name: string,
  what: string,
  sourceOf: (io: CliIo, config: ClientConfig, argument: string) => Promise<BundleSource> | BundleSource,
  args: readonly string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals: rest } = parseCommandLine(name, args, {
    output: { type: 'string', short: 'o' },
    config: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [argument] = positionals(name, rest, [what]);
  const output = required(name, 'output', values.output);
  const json = values.json === true;
  const config = readClientConfig(io, values.config);
  outputFolder(io, output);
  return asClient(io, json, async () => {
    const summary = await exportBundle(io, config, await sourceOf(io, config, argument!), output);
    if (summary.unsealed > 0 || summary.unstamped > 0)
      io.stderr(
        `warning: ${summary.unsealed} evidence not sealed yet (left out), ${summary.unstamped} not time-stamped yet: the bundle will not verify whole until they are; export again later.\n`,
      );
    if (json) {
      io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout(
      `wrote ${output}: document ${summary.document.length} bytes (SHA-256 ${summary.document.sha256}), ${summary.evidence} evidence, ${summary.certificates} certificate(s), ${summary.crls} CRL(s)\n`,
    );
    io.stdout(`check it: lienthong verify ${output} --anchor root.pem\n`);
    return EXIT.ok;
  });
}

/** `lienthong delivery evidence DOC -o DIR`. */
export const deliveryEvidenceCommand: Command = {
  name: 'evidence',
  summary: 'export the signed evidence of a delivery as an offline bundle',
  usage: `Usage: lienthong delivery evidence DOC -o DIR [--config FILE] [--json]

Writes the evidence bundle of document DOC (issued by your office) to DIR, a new
or empty folder: the issued PDF, every sealed evidence of its delivery (each
recipient's consignment, hand-over, acceptance or refusal, overdue, recall and
its answers, each sealed by the office whose act it was) with its inclusion
proof and batch time-stamp, and the CA and TSA certificates and CRLs. Check it
offline with 'lienthong verify DIR --anchor root.pem'. Evidence not yet sealed
or time-stamped is counted; export again later for a bundle that verifies whole.

${options}

Exit status: 0 written (warnings on stderr when evidence still waits); 1 the
service refused or has no delivery of DOC for your office, or no evidence is
sealed yet; 2 unusable command line, configuration or output folder.
`,
  run: (args, io) => runExport('delivery evidence', 'doc', senderSource, args, io),
};

/** `lienthong inbox evidence ID -o DIR`. */
export const inboxEvidenceCommand: Command = {
  name: 'evidence',
  summary: "export the signed evidence of an inbox entry's delivery as an offline bundle",
  usage: `Usage: lienthong inbox evidence ID -o DIR [--config FILE] [--json]

Writes the evidence bundle of inbox entry ID of your office to DIR, a new or
empty folder: the document's PDF (fetched as 'inbox get -o' does: the first
complete fetch is the hand-over), the sender's submission and every sealed
evidence of your office's leg (consignment, hand-over, your answers, a recall
and your answer to it) with proofs and time-stamps, and the CA and TSA
certificates and CRLs. Check it offline with 'lienthong verify DIR --anchor
root.pem'.

${options}

Exit status: 0 written (warnings on stderr when evidence still waits); 1 the
service refused (another office's entry is not found) or no evidence is sealed
yet; 2 unusable command line, configuration or output folder.
`,
  run: (args, io) => runExport('inbox evidence', 'id', (_io, _config, id) => recipientSource(id), args, io),
};
