/**
 * Signing a document (ký): its assigned signer signs the submitted PDF with their own
 * personal key at the signing service, relaying their own token and PIN. The signature
 * certifies with DocMDP /P 2 and leaves the number, date and seal fields open
 * (`allowStamp=true`), time-stamped (`level=B-T`), with the visible block of the metadata
 * (authority form, title, name). The answer must be the original followed by an
 * incremental update; it is kept as `documents/<id>/signed.pdf` in the transaction that
 * moves the document to `signed` and records the transition. Every refusal — the wrong
 * person, the wrong state, signing's own (wrong PIN, locked key) — changes nothing here.
 */
import { createReadStream } from 'node:fs';
import { withTransaction, type Pool } from '@lienthong/db';
import { checkAction } from '@lienthong/records';
import { AppError, type Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { personKey } from '../directory/directory-snapshot.ts';
import { loadPeople } from '../directory/person-repository.ts';
import { insertFile } from '../documents/document-file-repository.ts';
import {
  appendTransition,
  findDocument,
  setDocumentState,
  type StoredDocument,
} from '../documents/document-repository.ts';
import { versionKeyOf } from '../documents/document-view.ts';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import { callerKeyOf, type CallerGate } from './caller-gate.ts';
import type { SigningClient } from './signing-client.ts';
import { copyObjectTo, incrementalWatch, makeWorkDir, type WorkDir } from './work-files.ts';

/** What signing and issuing need from outside. */
export interface IssueDeps {
  pool: Pool;
  store: ObjectStore;
  bucket: string;
  signing: SigningClient;
  /** One caller's signatures and seals at signing at once (caller-gate.ts). */
  gate: CallerGate;
  /** Where `document.issued` goes: the topics' namespace (event-topics.ts); '' or absent for none. */
  topicNamespace?: string;
  /** Told of each document newly issued, once committed (the metrics' counter). */
  onIssued?: (type: string) => void;
}

/** Where the signer's visible block goes: none, or on `page` at `rect` (signing's defaults otherwise). */
export interface SignatureBlock {
  visible: boolean;
  page?: number;
  rect?: string;
}

/** A remote signature: the block and the PIN of the signer's key (passed to signing, never kept). */
export interface SignatureOptions extends SignatureBlock {
  pin: string;
}

/** Where the signer's block goes when the caller does not say: above the seal's field (libs/pades default). */
export const defaultSignatureRect = '330,160,560,250';

/** The 409 of a document whose state `action` cannot leave. */
export function transitionRefused(document: StoredDocument, action: string): AppError | undefined {
  const check = checkAction(document.state, action);
  if (check.allowed) return undefined;
  return new AppError(intakeErrors.DOCUMENT_TRANSITION_NOT_ALLOWED, {
    detail: check.reason,
    extra: { state: document.state },
  });
}

/** The signer as the directory names them: full name and title (undefined when no longer listed). */
export async function signerPerson(
  q: Queryable,
  office: string,
  subject: string,
): Promise<{ name: string; title: string } | undefined> {
  return (await loadPeople(q, [office])).get(personKey(office, subject));
}

/** The lines of the visible block as Party documents print them: "T/M BAN THƯỜNG VỤ", "BÍ THƯ", the name. */
export function blockLines(document: StoredDocument, person: { name: string; title: string } | undefined): string[] {
  const { authority, onBehalfOf } = document.metadata.signer;
  const lines: string[] = [];
  if (authority !== undefined) lines.push(onBehalfOf === undefined ? authority : `${authority} ${onBehalfOf}`);
  if (person !== undefined) lines.push(person.title.toLocaleUpperCase('vi'), person.name);
  return lines;
}

function refuseUnlessSigner(document: StoredDocument, principal: Principal): void {
  if (document.signerSubject !== principal.subject)
    throw new AppError(intakeErrors.DOCUMENT_SIGNER_MISMATCH, {
      detail: 'Only the person the document names as its signer may sign it. Nothing was changed.',
    });
  const refused = transitionRefused(document, 'sign');
  if (refused !== undefined) throw refused;
}

/**
 * The caller's office's document `id` when the caller is its assigned signer and it awaits
 * signature. Throws 403 FORBIDDEN (not a signer), 404 DOCUMENT_NOT_FOUND, 403
 * DOCUMENT_SIGNER_MISMATCH, 409 DOCUMENT_TRANSITION_NOT_ALLOWED.
 */
export async function documentToSign(deps: IssueDeps, principal: Principal, id: string): Promise<StoredDocument> {
  requireRoleOf(principal, 'signer');
  const document = await findDocument(deps.pool, principal.office, id);
  if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
  refuseUnlessSigner(document, principal);
  return document;
}

/**
 * What signing is asked for the signer's signature, remote or two-step alike: a
 * certification that leaves the number, date and seal fields open (`allowStamp=true`),
 * time-stamped (`level=B-T`), with the visible block of the metadata and the directory.
 */
export async function signatureQueryOf(
  deps: IssueDeps,
  principal: Principal,
  document: StoredDocument,
  block: SignatureBlock,
): Promise<URLSearchParams> {
  const query = new URLSearchParams({ allowStamp: 'true', level: 'B-T' });
  if (block.visible) {
    const lines = blockLines(document, await signerPerson(deps.pool, principal.office, principal.subject));
    for (const line of lines) query.append('line', line);
    query.set('visible', 'true');
    query.set('rect', block.rect ?? defaultSignatureRect);
    if (block.page !== undefined) query.set('page', String(block.page));
  }
  return query;
}

/**
 * Makes and keeps the signed version of `document`: `produce` writes signing's answer to
 * `signed` (in the private folder `work`) through the caller's gate, `onChunk` seeing its
 * bytes; the answer must be the submitted PDF followed by an incremental update (502
 * SIGNING_ANSWER_INVALID otherwise); it is stored as `documents/<id>/signed.pdf` in the
 * transaction that moves the document, locked and checked again, to `signed`.
 */
export async function storeSignature(
  deps: IssueDeps,
  principal: Principal,
  document: StoredDocument,
  produce: (work: WorkDir, signed: string, onChunk: (chunk: Buffer) => void) => Promise<void>,
): Promise<StoredDocument> {
  const id = document.id;
  const work = await makeWorkDir();
  const key = versionKeyOf(id, 'signed');
  let stored: string | undefined;
  try {
    const signed = work.path('signed.pdf');
    const watch = incrementalWatch({ sha256: document.sha256, size: document.size });
    await deps.gate.run(callerKeyOf(principal), () => produce(work, signed, watch.onChunk));
    const answer = watch.result();
    if (!answer.extendsPrefix)
      throw new AppError(intakeErrors.SIGNING_ANSWER_INVALID, {
        detail: `The signed PDF (${answer.size} bytes) does not begin with the submitted one (${document.size} bytes, SHA-256 ${document.sha256}). Nothing was changed.`,
      });
    return await withTransaction(
      deps.pool,
      async (client) => {
        // Checked again under the row's lock: a cancellation or another signature may have come first.
        const current = await findDocument(client, principal.office, id, true);
        if (current === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
        refuseUnlessSigner(current, principal);
        const put = await deps.store.put(deps.bucket, key, createReadStream(signed), {
          contentType: 'application/pdf',
          expectedSha256: answer.sha256,
        });
        stored = put.versionId;
        await insertFile(client, {
          document: id,
          version: 'signed',
          contentKey: key,
          versionId: put.versionId === 'null' ? null : put.versionId,
          sha256: answer.sha256,
          size: answer.size,
          createdBy: principal.subject,
        });
        const updated = await setDocumentState(client, id, 'signed');
        await appendTransition(client, id, {
          from: current.state,
          to: 'signed',
          action: 'sign',
          by: principal.subject,
        });
        return updated;
      },
      { retries: 0 },
    );
  } catch (error) {
    // The row lock held while the object was put: no committed signature names this version.
    if (stored !== undefined)
      await deps.store.delete(deps.bucket, key, stored === 'null' ? {} : { versionId: stored }).catch(() => undefined);
    throw error;
  } finally {
    await work.remove();
  }
}

/**
 * Signs the caller's office's document `id` as its assigned signer (`principal`, whose
 * `authorization` header is relayed to signing). Throws what documentToSign throws, 409
 * SIGNING_KEY_MISSING, the SIGNING_* problems of the signing client, and 502
 * SIGNING_ANSWER_INVALID.
 */
export async function signDocument(
  deps: IssueDeps,
  principal: Principal,
  authorization: string,
  id: string,
  options: SignatureOptions,
): Promise<StoredDocument> {
  const document = await documentToSign(deps, principal, id);
  const query = await signatureQueryOf(deps, principal, document, options);
  const keyId = await deps.signing.keyOf(authorization, 'personal');
  return storeSignature(deps, principal, document, async (work, signed, onChunk) => {
    const original = work.path('original.pdf');
    await copyObjectTo(deps.store, deps.bucket, document.contentKey, null, original);
    await deps.signing.signPdf(authorization, {
      keyId,
      query,
      pin: options.pin,
      input: original,
      output: signed,
      onChunk,
    });
  });
}
