/**
 * The cursor of inbox pages: where the last page ended (priority, consignment order), as
 * an opaque base64url token. Anything else is refused with 400 INBOX_CURSOR_INVALID.
 */
import { AppError } from '@lienthong/service';
import type { InboxPosition } from '../deliveries/leg-repository.ts';
import { deliveryErrors } from '../errors.ts';

/** The cursor of `position`. */
export function encodeCursor(position: InboxPosition): string {
  return Buffer.from(`${position.priority}.${position.seq}`).toString('base64url');
}

/** The position a cursor names; throws 400 INBOX_CURSOR_INVALID for anything this service did not hand out. */
export function decodeCursor(cursor: string): InboxPosition {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : '';
  const match = /^([0-3])\.([1-9][0-9]{0,15})$/.exec(text);
  if (match === null) throw new AppError(deliveryErrors.INBOX_CURSOR_INVALID);
  return { priority: Number(match[1]), seq: Number(match[2]) };
}
