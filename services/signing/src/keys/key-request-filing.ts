/**
 * Filing a key request: the pending request and its `request` line in the signing log, in
 * one transaction. Shared by the registration authority (a new key) and by imports whose
 * certificate names someone other than the registered person.
 */
import { withTransaction } from '@lienthong/db';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { insertKeyRequest } from './key-request-repository.ts';
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

/** Files `request` with `detail` in the signing log; returns it as stored. */
export async function fileKeyRequest(
  ca: Pick<CaContext, 'pool'>,
  principal: Principal,
  request: NewKeyRequest,
  detail: string,
): Promise<KeyRequestRecord> {
  await withTransaction(ca.pool, async (client) => {
    await insertKeyRequest(client, request);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'request',
      keyId: request.id,
      detail,
    });
  });
  return pendingRequest(request);
}
