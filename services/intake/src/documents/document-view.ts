/** A document and its transitions as the API shows them, and where its PDF is kept. */
import type { DocumentMetadata, DocumentState } from '@lienthong/records';
import type { StoredDocument, StoredTransition } from './document-repository.ts';

/** The object key of a document's submitted PDF: by document id, never by anything the caller chose. */
export const contentKeyOf = (id: string): string => `documents/${id}/original.pdf`;

/** The object key of a later version of a document's PDF: `documents/<id>/signed.pdf`, `…/issued.pdf`. */
export const versionKeyOf = (id: string, version: 'signed' | 'issued'): string => `documents/${id}/${version}.pdf`;

/** A document as the API shows it. */
export interface DocumentView {
  id: string;
  state: DocumentState;
  office: string;
  type: string;
  subject: string;
  metadata: DocumentMetadata;
  sha256: string;
  size: number;
  signer: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The API view of a stored document. */
export const toDocumentView = (d: StoredDocument): DocumentView => ({
  id: d.id,
  state: d.state,
  office: d.office,
  type: d.type,
  subject: d.subject,
  metadata: d.metadata,
  sha256: d.sha256,
  size: d.size,
  signer: d.signerSubject,
  createdBy: d.createdBy,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

/** The API view of a transition. */
export const toTransitionView = (t: StoredTransition) => ({
  from: t.from,
  to: t.to,
  action: t.action,
  by: t.by,
  at: t.at.toISOString(),
  reason: t.reason,
});
