/**
 * Laying out a bundle: the files of one document's evidence under fixed names, and the
 * manifest over them. What the delivery service's export writes to a folder (or an archive)
 * and `lienthong verify DIR` checks.
 *
 * ```
 * manifest.json
 * document.pdf
 * evidence/<evidence id>.p7s          CMS SignedData encapsulating the statement
 * evidence/<evidence id>.proof.json   its inclusion proof in its batch
 * timestamps/<sha256 of token>.tst    one RFC 3161 token per batch
 * certificates/<sha256>.cer           DER certificates (issuing CAs, TSA; a root only as data)
 * crls/<sha256>.crl, ocsp/<sha256>.ocsp
 * ```
 */
import { createHash } from 'node:crypto';
import { readSignedData } from '@lienthong/pki';
import type { BatchTimestamp } from './batch-timestamp.ts';
import { EvidenceError } from './errors.ts';
import { hex } from './fields.ts';
import { buildManifest, MANIFEST_PATH, type BundleFileInput, type HashedFile } from './manifest.ts';
import { encodeInclusionProof } from './proof-file.ts';
import { parseStatement } from './statement.ts';

/** One evidence to export: its CMS and, once its batch is time-stamped, its proof and token. */
export interface BundleEvidence {
  readonly cms: Uint8Array;
  readonly stamp?: BatchTimestamp;
}

/** What a bundle holds. */
export interface BundleContents {
  readonly documentId: string;
  /**
   * The delivered document (the issued PDF), or its hash when the caller streams it to
   * `document.pdf` itself (then the result holds no `document.pdf`).
   */
  readonly document: Uint8Array | HashedFile;
  readonly evidence: readonly BundleEvidence[];
  /** DER certificates a verifier needs besides its trust anchors (the seals' and the TSA's CAs). */
  readonly certificates?: readonly Uint8Array[];
  /** DER CRLs. */
  readonly crls?: readonly Uint8Array[];
  /** DER OCSPResponses. */
  readonly ocspResponses?: readonly Uint8Array[];
}

const name = (bytes: Uint8Array): string => hex(createHash('sha256').update(bytes).digest());

/**
 * The files of a bundle, `manifest.json` included, by path. Each evidence is named for the id
 * of its statement (so it must encapsulate one: EVIDENCE_CMS_UNSUITABLE otherwise); tokens,
 * certificates, CRLs and OCSP responses for their SHA-256, each kept once. A document given by
 * its hash is listed in the manifest but not returned: the caller writes `document.pdf`.
 */
export function assembleBundle(contents: BundleContents): Map<string, Uint8Array> {
  const files: BundleFileInput[] = [{ path: 'document.pdf', role: 'document', bytes: contents.document }];
  const shared = new Map<string, BundleFileInput>();
  const once = (file: BundleFileInput): string => {
    if (!shared.has(file.path)) shared.set(file.path, file);
    return file.path;
  };
  for (const e of contents.evidence) {
    let id: string;
    try {
      const content = readSignedData(e.cms).content;
      if (content === undefined) throw new Error('it encapsulates no statement');
      id = parseStatement(content).id;
    } catch (err) {
      throw new EvidenceError(
        'EVIDENCE_CMS_UNSUITABLE',
        `An evidence to export is not readable: ${(err as Error).message}`,
      );
    }
    const path = `evidence/${id}.p7s`;
    if (e.stamp === undefined) {
      files.push({ path, role: 'evidence', bytes: e.cms });
      continue;
    }
    const proof = `evidence/${id}.proof.json`;
    const timestamp = once({ path: `timestamps/${name(e.stamp.token)}.tst`, role: 'timestamp', bytes: e.stamp.token });
    files.push({ path, role: 'evidence', bytes: e.cms, proof, timestamp });
    files.push({ path: proof, role: 'proof', bytes: encodeInclusionProof(e.stamp.proof) });
  }
  for (const c of contents.certificates ?? [])
    once({ path: `certificates/${name(c)}.cer`, role: 'certificate', bytes: c });
  for (const c of contents.crls ?? []) once({ path: `crls/${name(c)}.crl`, role: 'crl', bytes: c });
  for (const o of contents.ocspResponses ?? []) once({ path: `ocsp/${name(o)}.ocsp`, role: 'ocsp', bytes: o });
  files.push(...shared.values());
  const result = new Map<string, Uint8Array>([[MANIFEST_PATH, buildManifest(contents.documentId, files)]]);
  for (const f of files) if (f.bytes instanceof Uint8Array) result.set(f.path, f.bytes);
  return result;
}
