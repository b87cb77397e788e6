/**
 * `lienthong doc sign ID --prepare` and `--complete`: a document signed with a key on a USB
 * token, in two steps through intake (services/intake README, "Sign with a USB token, in two
 * steps"). The preparation sends the token's certificate and writes what the token must sign
 * to a file; the signer's local tool signs `signedAttributes` on the token; the completion
 * sends that signature value back. The private key never leaves the token.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Certificate } from '@lienthong/pki';
import type { ClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { readCertificateFiles, readCertificatesFile } from '../inputs/certificates.ts';
import { assertWritable, fileErrorReason, readInput, writeOutput } from '../inputs/files.ts';
import type { DocumentAnswer } from './doc-client.ts';

/** What intake answers a preparation with, and what the to-sign file holds beside the document id. */
export interface PreparedSignature {
  session: string;
  algorithm: string;
  signedAttributes: string;
  digest: string;
  digestInfo: string;
  expiresAt: string;
}

/** The to-sign file: the document, and intake's preparation. */
export interface ToSignFile extends PreparedSignature {
  document: string;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const jsonBody = (value: unknown) => ({
  bytes: new TextEncoder().encode(JSON.stringify(value)),
  contentType: 'application/json',
});

/** Where the signature block goes: the query of the remote signature. */
export interface BlockOptions {
  invisible?: boolean;
  page?: string;
  rect?: string;
}

const blockQuery = (block: BlockOptions) => ({
  visible: block.invisible === true ? 'false' : undefined,
  page: block.page,
  rect: block.rect,
});

/** Asks intake to prepare the signature of document `id` with `certificate` (its issuing CAs in `chain`). */
export function requestPreparation(
  io: CliIo,
  config: ClientConfig,
  id: string,
  signer: { certificate: Certificate; chain: readonly Certificate[] },
  block: BlockOptions,
): Promise<PreparedSignature> {
  return callService<PreparedSignature>(io, config, 'intake', {
    method: 'POST',
    path: `/v1/documents/${encodeURIComponent(id)}/signature/preparation`,
    body: jsonBody({ certificate: b64(signer.certificate.der), chain: signer.chain.map((c) => b64(c.der)) }),
    query: blockQuery(block),
  });
}

/** Sends the token's signature value for the prepared `session` of document `id`; intake answers the signed document. */
export function requestCompletion(
  io: CliIo,
  config: ClientConfig,
  id: string,
  session: string,
  value: Uint8Array,
): Promise<DocumentAnswer> {
  return callService<DocumentAnswer>(io, config, 'intake', {
    method: 'POST',
    path: `/v1/documents/${encodeURIComponent(id)}/signature/completion`,
    body: jsonBody({ session, signatureValue: b64(value) }),
  });
}

/**
 * Step one: sends the certificate (the first of `certificatePath`, the rest and `chain`
 * as issuing CAs) and writes the to-sign file to `output`.
 */
export async function prepareSignature(
  io: CliIo,
  config: ClientConfig,
  id: string,
  files: { certificate: string; chain?: readonly string[]; output: string; force: boolean },
  block: BlockOptions,
  json: boolean,
): Promise<number> {
  assertWritable(io, [files.output], files.force);
  const [certificate, ...bundled] = readCertificatesFile(io, files.certificate);
  if (certificate === undefined)
    throw new CliError('BAD_CERTIFICATE', `${files.certificate}: no certificate in the file.`);
  const chain = [...bundled, ...readCertificateFiles(io, files.chain)];
  const prepared = await requestPreparation(io, config, id, { certificate, chain }, block);
  const toSign: ToSignFile = { document: id, ...prepared };
  writeOutput(io, files.output, `${JSON.stringify(toSign, null, 2)}\n`);
  io.stdout(
    json
      ? `${JSON.stringify(toSign, null, 2)}\n`
      : `${files.output}: sign signedAttributes (${prepared.algorithm}) on the token before ${prepared.expiresAt}, then: lienthong doc sign ${id} --complete ${files.output} --signature FILE\n`,
  );
  return EXIT.ok;
}

/** Reads a to-sign file of document `id` (BAD_TWO_STEP_FILE when it is not one, or of another document). */
export function readToSignFile(io: CliIo, path: string, id: string): ToSignFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(io.cwd, path), 'utf8'));
  } catch (e) {
    const reason = e instanceof SyntaxError ? 'not JSON' : fileErrorReason(e);
    throw new CliError('BAD_TWO_STEP_FILE', `${path}: ${reason}.`, { cause: e });
  }
  const file = parsed as Partial<ToSignFile> | null;
  if (typeof file?.session !== 'string' || typeof file.document !== 'string')
    throw new CliError('BAD_TWO_STEP_FILE', `${path}: not a file written by 'lienthong doc sign --prepare'.`);
  if (file.document !== id)
    throw new CliError('BAD_TWO_STEP_FILE', `${path}: prepared for document ${file.document}, not ${id}.`);
  return file as ToSignFile;
}

/** Step two: sends the token's signature value (the raw bytes of `signature`) for the session of `toSign`. */
export async function completeSignature(
  io: CliIo,
  config: ClientConfig,
  id: string,
  files: { toSign: string; signature: string },
  json: boolean,
): Promise<number> {
  const toSign = readToSignFile(io, files.toSign, id);
  const value = readInput(io, files.signature);
  if (value.length === 0 || value.length > 1536)
    throw new CliError('BAD_TWO_STEP_FILE', `${files.signature}: not a signature value (${value.length} bytes).`);
  const doc = await requestCompletion(io, config, id, toSign.session, value);
  io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : `${doc.id} ${doc.state}\n`);
  return EXIT.ok;
}
