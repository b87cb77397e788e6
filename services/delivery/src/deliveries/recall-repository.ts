/**
 * SQL of recall (thu hồi) and replacement: the sender's word on the delivery, the legs
 * asked to answer (13) and given a new inbox order so that streams send them again, the
 * recipient's answer (15, 16), and the events parked until their document is fanned out.
 */
import type { Queryable } from '../queryable.ts';
import { legColumns, toLeg } from './delivery.ts';
import type { DeliveryRecall, Leg, LegRow } from './delivery.ts';

/** Records the recall or replacement on delivery `id`; false when it holds one already. */
export async function setDeliveryRecall(q: Queryable, id: string, recall: DeliveryRecall): Promise<boolean> {
  const { rowCount } = await q.query(
    `UPDATE delivery SET recall_kind = $2, recall_reason = $3, recalled_at = $4, replaced_by = $5
     WHERE id = $1 AND recall_kind IS NULL`,
    [id, recall.kind, recall.reason, recall.at, recall.replacedBy],
  );
  return rowCount === 1;
}

/**
 * Moves every leg of delivery `id` that holds the document (not yet in the inbox, arrived,
 * accepted, or in processing up to completed) to 13 at `at`, keeping the status it had
 * (NULL for a leg not in the inbox yet); those in an inbox take a new inbox order (call
 * under `lockInboxOrder`). A leg refused on arrival (02) is left as it is.
 */
export async function askRecall(q: Queryable, deliveryId: string, at: Date): Promise<Leg[]> {
  const { rows } = await q.query<LegRow>(
    `UPDATE delivery_leg l SET status = '13', status_at = $2, status_before_recall = l.status,
       inbox_seq = CASE WHEN l.inbox_seq IS NULL THEN NULL ELSE nextval('inbox_seq') END
     WHERE l.delivery_id = $1 AND (l.status IS NULL OR l.status IN ('01', '03', '04', '05', '06'))
     RETURNING ${legColumns}`,
    [deliveryId, at],
  );
  return rows.map(toLeg).sort((a, b) => a.recipient.localeCompare(b.recipient));
}

/** The ids and recipients of every leg of delivery `id`. */
export async function legsOf(q: Queryable, deliveryId: string): Promise<Array<{ id: string; recipient: string }>> {
  const { rows } = await q.query<{ id: string; recipient: string }>(
    'SELECT id, recipient FROM delivery_leg WHERE delivery_id = $1 ORDER BY recipient',
    [deliveryId],
  );
  return rows;
}

/** Records the recipient's answer to a recall of leg `id` (13 → 15 or 16); undefined when it is not at 13. */
export async function answerLegRecall(
  q: Queryable,
  id: string,
  answer: { status: '15' | '16'; at: Date; refusalReason: string | null },
): Promise<Leg | undefined> {
  const { rows } = await q.query<LegRow>(
    `UPDATE delivery_leg l SET status = $2, status_at = $3, recall_refusal_reason = $4
     WHERE l.id = $1 AND l.status = '13' RETURNING ${legColumns}`,
    [id, answer.status, answer.at, answer.refusalReason],
  );
  return rows[0] === undefined ? undefined : toLeg(rows[0]);
}

/** A recall or replacement event that came before its document's delivery. */
export interface ParkedRecall {
  documentId: string;
  office: string;
  eventType: string;
  eventId: string;
  data: Record<string, unknown>;
}

/** Parks `parked` until its document is fanned out (the first one of a document stays). */
export async function parkRecall(q: Queryable, parked: ParkedRecall): Promise<void> {
  await q.query(
    `INSERT INTO recall_parked (document_id, office, data, event_type, event_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (document_id) DO NOTHING`,
    [parked.documentId, parked.office, JSON.stringify(parked.data), parked.eventType, parked.eventId],
  );
}

/** Takes (and removes) what was parked for `documentId`. */
export async function takeParkedRecall(q: Queryable, documentId: string): Promise<ParkedRecall | undefined> {
  const { rows } = await q.query<{
    document_id: string;
    office: string;
    data: Record<string, unknown>;
    event_type: string;
    event_id: string;
  }>('DELETE FROM recall_parked WHERE document_id = $1 RETURNING document_id, office, data, event_type, event_id', [
    documentId,
  ]);
  const r = rows[0];
  return r === undefined
    ? undefined
    : { documentId: r.document_id, office: r.office, data: r.data, eventType: r.event_type, eventId: r.event_id };
}
