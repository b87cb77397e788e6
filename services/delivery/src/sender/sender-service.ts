/**
 * The sender's view: the delivery of an issued document, per recipient office its status
 * and times, overdue flagged (the deadline passed without an answer). The issuing office
 * only: another office's delivery is 404, as if it did not exist.
 */
import type { Pool } from '@lienthong/db';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { Delivery, Leg } from '../deliveries/delivery.ts';
import { countLegs, findDeliveryOfDocument, findSentDelivery, listLegs } from '../deliveries/delivery-repository.ts';
import { listOverdueDeliveries } from '../deliveries/overdue.ts';
import { deliveryErrors } from '../errors.ts';

/** Who may follow an office's deliveries: its office system and its registry. */
export const senderReaders = [roles.officeSystem, roles.registry];

/** A delivery with how its legs stand. */
export interface DeliveryOverview {
  delivery: Delivery;
  counts: { byStatus: Record<string, number>; overdue: number; total: number };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's office's deliveries of document `documentId` (none or one). */
export async function deliveriesOfDocument(
  pool: Pool,
  principal: Principal,
  documentId: string,
  now: Date = new Date(),
): Promise<DeliveryOverview[]> {
  requireRoleOf(principal, ...senderReaders);
  const delivery = await findDeliveryOfDocument(pool, documentId);
  if (delivery === undefined || delivery.sender !== principal.office) return [];
  return [{ delivery, counts: await countLegs(pool, delivery.id, now) }];
}

/** Up to `limit` of the caller's office's deliveries with legs overdue now (noted by the sweep, unanswered). */
export async function overdueDeliveries(
  pool: Pool,
  principal: Principal,
  limit: number,
  now: Date = new Date(),
): Promise<DeliveryOverview[]> {
  requireRoleOf(principal, ...senderReaders);
  const deliveries = await listOverdueDeliveries(pool, principal.office, limit);
  return Promise.all(
    deliveries.map(async (delivery) => ({ delivery, counts: await countLegs(pool, delivery.id, now) })),
  );
}

/**
 * The caller's office's delivery `id` with a page of its legs, by recipient code after
 * `after`; with `overdue` only the legs noted overdue and still unanswered.
 */
export async function deliveryWithLegs(
  pool: Pool,
  principal: Principal,
  id: string,
  page: { after?: string; limit: number; overdue?: boolean },
  now: Date = new Date(),
): Promise<DeliveryOverview & { legs: Leg[]; nextAfter: string | null }> {
  requireRoleOf(principal, ...senderReaders);
  const delivery = uuidPattern.test(id) ? await findSentDelivery(pool, principal.office, id) : undefined;
  if (delivery === undefined) throw new AppError(deliveryErrors.DELIVERY_NOT_FOUND);
  const { legs, more } = await listLegs(pool, delivery.id, page);
  return {
    delivery,
    counts: await countLegs(pool, delivery.id, now),
    legs,
    nextAfter: more ? legs.at(-1)!.recipient : null,
  };
}
