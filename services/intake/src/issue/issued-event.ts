/**
 * The `document.issued` event (libs/records `eventDefinitions.documentIssued`) of a document
 * just issued: its number and symbol, series, recipients and `deliverTo` (the offices it goes
 * to, groups expanded at issue time), and the issued PDF's object in the store. Checked
 * against libs/records before it is written to the outbox.
 */
import { createEnvelope } from '@lienthong/bus';
import { eventDefinitions, parseNumberSymbol, validateEventData } from '@lienthong/records';
import type { DocumentIssued } from '@lienthong/records';
import type { StoredFile } from '../documents/document-file-repository.ts';
import type { StoredDocument } from '../documents/document-repository.ts';
import type { NumberReservation } from '../registers/numbering.ts';
import { topicIn } from '../event-topics.ts';

/** The `document.issued` event of `document`, numbered as `done`, its issued PDF `file` in `where.bucket`, on the topic under `where.namespace`. */
export function issuedEvent(
  document: StoredDocument,
  done: NumberReservation,
  file: StoredFile,
  at: Date,
  where: { bucket: string; deliverTo: string[]; namespace: string },
) {
  const { metadata } = document;
  const numberSymbol = parseNumberSymbol(done.symbol);
  const data: DocumentIssued = {
    documentId: document.id,
    office: document.office,
    numberSymbol: { ...numberSymbol, bodies: [...numberSymbol.bodies] },
    symbol: done.symbol,
    issuedAt: at.toISOString(),
    series: { name: done.series, period: done.period },
    subject: document.subject,
    recipients: metadata.recipients,
    deliverTo: where.deliverTo,
    secrecy: metadata.secrecy,
    urgency: metadata.urgency,
    ...(metadata.deadline === undefined ? {} : { deadline: metadata.deadline }),
    signer: metadata.signer,
    retention: metadata.retention,
    file: {
      sha256: file.sha256,
      byteLength: file.size,
      mediaType: 'application/pdf',
      object: {
        bucket: where.bucket,
        key: file.contentKey,
        ...(file.versionId === null ? {} : { versionId: file.versionId }),
      },
    },
  };
  const definition = eventDefinitions.documentIssued;
  const checked = validateEventData(definition.type, definition.version, data);
  if (!checked.ok) throw new Error(`document.issued of ${document.id}: ${JSON.stringify(checked.problems)}`);
  return {
    topic: topicIn(where.namespace, definition.topic),
    key: definition.keyOf(data),
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'intake',
      subject: document.id,
      data,
    }),
  };
}
