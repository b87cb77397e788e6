/**
 * Filing a key request: the pending request and its `request` line in the signing log, in
 * one transaction. Shared by the registration authority (a new key) and by imports whose
 * certificate names someone other than the registered person.
 */
import { withTransaction } from '@lienthong/db';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { countPendingKeyRequests, insertKeyRequest, lockKeyRequestFiling } from './key-request-repository.ts';
import type { KeyRequestRecord, NewKeyRequest } from './key-request-repository.ts';
import { logSigning } from './signing-log-repository.ts';

/** The request as it stands once filed: pending, undecided. */
export const pendingRequest = (request: NewKeyRequest): KeyRequestRecord => ({
  ...request,
  state: 'pending',
  decidedAt: null,
  decidedBy: null,
  reason: null,
});

/**
 * Pending requests allowed at once: each holds a key under its requester's PIN until a CA
 * administrator decides, so a requester (or an office's stolen tokens) cannot pile them up.
 */
export const pendingKeyRequestLimits = { perRequester: 3, perOffice: 100 } as const;

/**
 * Files `request` with `detail` in the signing log; returns it as stored. Over a limit of
 * {@link pendingKeyRequestLimits} → 409 KEY_REQUESTS_PENDING (logged as `request-refused`).
 */
export async function fileKeyRequest(
  ca: Pick<CaContext, 'pool'>,
  principal: Principal,
  request: NewKeyRequest,
  detail: string,
): Promise<KeyRequestRecord> {
  const refusal = await withTransaction(ca.pool, async (client) => {
    await lockKeyRequestFiling(client, principal.office);
    const pending = await countPendingKeyRequests(client, principal.office, principal.subject);
    const over =
      pending.requester >= pendingKeyRequestLimits.perRequester
        ? `the caller already has ${pending.requester} pending key requests (at most ${pendingKeyRequestLimits.perRequester})`
        : pending.office >= pendingKeyRequestLimits.perOffice
          ? `the office already has ${pending.office} pending key requests (at most ${pendingKeyRequestLimits.perOffice})`
          : undefined;
    if (over !== undefined) {
      await logSigning(client, {
        office: principal.office,
        subject: principal.subject,
        action: 'request-refused',
        detail: over,
      });
      return over;
    }
    await insertKeyRequest(client, request);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'request',
      keyId: request.id,
      detail,
    });
    return undefined;
  });
  if (refusal !== undefined)
    throw new AppError(signingErrors.KEY_REQUESTS_PENDING, { detail: `${refusal}: wait until one is decided.` });
  return pendingRequest(request);
}
