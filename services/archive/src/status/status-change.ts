/**
 * What a status event of intake means for the catalog (README "Status updates"):
 * `document.recalled`, `document.replaced` and `document.cancelled` v1 set the record's status
 * to libs/records' state of the same name (document-states.ts); everything else is not one.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DocumentCancelled, DocumentRecalled, DocumentReplaced } from '@lienthong/records';

/** A record's new status, by whom and why, as the audit entry records it. */
export interface StatusChange {
  recordId: string;
  /** The issuing office, whose audit chain takes the entry. */
  office: string;
  status: 'recalled' | 'replaced' | 'cancelled';
  reason: string;
  /** When intake says it happened (ISO 8601). */
  at: string;
  /** The replacing document (replaced only). */
  replacedBy?: string;
}

/** The change `envelope` asks for (its data checked against libs/records), or undefined when it is not a status event. */
export function statusChangeOf(envelope: EventEnvelope): StatusChange | undefined {
  const definition = checkEvent(envelope);
  switch (definition.type) {
    case eventDefinitions.documentRecalled.type: {
      const d = envelope.data as DocumentRecalled;
      return {
        recordId: d.documentId.toLowerCase(),
        office: d.office,
        status: 'recalled',
        reason: d.reason,
        at: d.recalledAt,
      };
    }
    case eventDefinitions.documentReplaced.type: {
      const d = envelope.data as DocumentReplaced;
      return {
        recordId: d.documentId.toLowerCase(),
        office: d.office,
        status: 'replaced',
        reason: d.reason,
        at: d.replacedAt,
        replacedBy: d.replacedBy.toLowerCase(),
      };
    }
    case eventDefinitions.documentCancelled.type: {
      const d = envelope.data as DocumentCancelled;
      return {
        recordId: d.documentId.toLowerCase(),
        office: d.office,
        status: 'cancelled',
        reason: d.reason,
        at: d.cancelledAt,
      };
    }
    default:
      return undefined;
  }
}
