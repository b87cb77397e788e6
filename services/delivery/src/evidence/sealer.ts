/**
 * The sealer: takes unsealed evidence rows whose chain predecessor is sealed, builds each
 * statement (libs/evidence `encodeStatement`, `previous` the SHA-256 of the predecessor's
 * CMS), has each acting office's seal sign its statements through signing, checks what came
 * back (the statement attached is the one sent, the signer's certificate names the acting
 * office) and stores statement and CMS. A failure (signing down, slow, refusing) puts the
 * rows of that office off with an exponential backoff; nothing else waits for it. One loop
 * per process, woken after commits that wrote rows, and polling. A round leases its rows
 * (a short transaction with SKIP LOCKED sets them due again only after the lease) and holds
 * no transaction while signing answers: no lock or connection is kept across the call
 * (under the embedded mode's single-session PGlite, an open transaction would stall every
 * service, signing included); a process that dies mid-round leaves them due after the lease.
 * A row is stored only while still unsealed, so two rounds that took it (a lease run out)
 * keep the first evidence.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { encodeStatement, evidenceDigest } from '@lienthong/evidence';
import type { EvidenceStatement } from '@lienthong/evidence';
import { officeCodeOf, readSignedData } from '@lienthong/pki';
import type { Logger } from '@lienthong/service';
import { backoffMs } from '../webhooks/webhook-dispatcher.ts';
import { claimUnsealed, deferUnsealed, storeSealed } from './evidence-repository.ts';
import type { UnsealedRow } from './evidence-repository.ts';
import { EvidenceCallFailure } from './signing-client.ts';
import type { EvidenceSigner } from './signing-client.ts';

/** Rows one round takes, and statements one request carries (the contract's most). */
export const sealBatch = 500;

/** What a round needs. */
export interface SealerDeps {
  pool: Pool;
  signer: EvidenceSigner;
  retryMinMs: number;
  retryMaxMs: number;
  /** How long a round's rows stay taken (longer than a call to signing may last). */
  leaseMs: number;
  now?: () => Date;
}

/** What one round did: rows sealed, rows put off, and the failures (one per office that failed). */
export interface SealRound {
  sealed: number;
  deferred: number;
  failures: Array<{ office: string; error: string }>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The statement of `row` (its delivery as registered; its chain's previous evidence). */
export function statementOf(row: UnsealedRow): EvidenceStatement {
  const f = row.fields;
  return {
    id: row.id,
    event: row.event as EvidenceStatement['event'],
    time: row.time,
    deliveryId: row.delivery_id,
    documentId: row.document_id,
    documentSha256: row.file_sha256,
    documentLength: Number(row.file_byte_length),
    senderOffice: row.sender,
    ...(row.recipient_office === null ? {} : { recipientOffice: row.recipient_office }),
    actingOffice: row.acting_office,
    ...(f.reason === undefined ? {} : { reason: f.reason }),
    ...(f.incomingNumber === undefined ? {} : { incomingNumber: f.incomingNumber }),
    ...(f.deadline === undefined ? {} : { deadline: new Date(f.deadline) }),
    ...(row.previous_cms === null ? {} : { previous: hex(evidenceDigest(row.previous_cms)) }),
  };
}

/**
 * Why `cms` is not the evidence of `statement` signed for `office`, or undefined: a
 * SignedData carrying exactly these bytes, one signer, whose certificate (in the set, by
 * issuer and serial number) names the office. The full check (signature, path) is the
 * verifier's (`checkEvidence`); this catches a signing service answering something else.
 */
export function evidenceProblem(cms: Uint8Array, statement: Uint8Array, office: string): string | undefined {
  let signed;
  try {
    signed = readSignedData(cms);
  } catch (error) {
    return `not a SignedData (${(error as Error).message})`;
  }
  if (signed.content === undefined || !Buffer.from(signed.content).equals(Buffer.from(statement)))
    return 'the attached statement is not the one sent';
  if (signed.signerInfos.length !== 1) return 'not exactly one signer';
  const sid = signed.signerInfos[0]!.sid;
  const signer = signed.certificates.find((c) =>
    'issuer' in sid
      ? Buffer.from(c.issuer.der).equals(Buffer.from(sid.issuer.der)) &&
        Buffer.from(c.serialNumber).equals(Buffer.from(sid.serialNumber))
      : officeCodeOf(c.subject) === office,
  );
  if (signer === undefined) return 'the signer certificate is not in the CMS';
  if (officeCodeOf(signer.subject) !== office) return `the signer certificate does not name office ${office}`;
  return undefined;
}

/**
 * One round: leases up to `limit` rows, seals them office by office (no transaction open
 * meanwhile), stores what was sealed and puts the rest off.
 */
export async function sealRound(deps: SealerDeps, limit = sealBatch): Promise<SealRound> {
  const now = deps.now ?? (() => new Date());
  const at = now();
  const rows = await withTransaction(deps.pool, (client) =>
    claimUnsealed(client, at, limit, new Date(at.getTime() + deps.leaseMs)),
  );
  const round: SealRound = { sealed: 0, deferred: 0, failures: [] };
  const byOffice = new Map<string, Array<{ row: UnsealedRow; bytes?: Uint8Array }>>();
  for (const row of rows) {
    const list = byOffice.get(row.acting_office) ?? [];
    list.push({ row });
    byOffice.set(row.acting_office, list);
  }
  const sealed: Array<{ id: string; statement: Uint8Array; cms: Uint8Array }> = [];
  const putOff = async (items: ReadonlyArray<{ row: UnsealedRow }>, office: string, error: string) => {
    round.failures.push({ office, error });
    const attempts = Math.max(...items.map((i) => i.row.attempts)) + 1;
    const next = new Date(now().getTime() + backoffMs(attempts, deps.retryMinMs, deps.retryMaxMs));
    await deferUnsealed(
      deps.pool,
      items.map((i) => i.row.id),
      next,
      error,
    );
    round.deferred += items.length;
  };
  for (const [office, items] of byOffice) {
    const good: Array<{ row: UnsealedRow; bytes: Uint8Array }> = [];
    for (const item of items) {
      try {
        good.push({ row: item.row, bytes: encodeStatement(statementOf(item.row)) });
      } catch (error) {
        // Registered data a statement cannot say (should not happen): this row alone waits, told.
        await putOff([item], office, `statement: ${(error as Error).message}`);
      }
    }
    if (good.length === 0) continue;
    let answers: Uint8Array[];
    try {
      answers = await deps.signer.seal(
        office,
        good.map((g) => g.bytes),
      );
    } catch (error) {
      const said = error instanceof EvidenceCallFailure ? error.message : `sealing failed: ${String(error)}`;
      await putOff(good, office, said);
      continue;
    }
    const problems = good.flatMap((g, i) => {
      const problem = evidenceProblem(answers[i]!, g.bytes, office);
      return problem === undefined ? [] : [`${g.row.id}: ${problem}`];
    });
    if (problems.length > 0) {
      await putOff(good, office, `signing answered unusable evidence: ${problems[0]}`);
      continue;
    }
    good.forEach((g, i) => sealed.push({ id: g.row.id, statement: g.bytes, cms: answers[i]! }));
  }
  round.sealed = await storeSealed(deps.pool, sealed, now());
  return round;
}

/** A running sealer. */
export interface Sealer {
  /** Looks for rows now (after a commit that wrote some). */
  wake(): void;
  /** Stops, after the round in progress. */
  close(): Promise<void>;
}

/** Starts the loop: rounds while they seal something, on a wake or every `pollMs`; `sealed` told after a round that sealed rows. */
export function startSealer(
  deps: SealerDeps & { pollMs: number; logger: Pick<Logger, 'warn' | 'info'>; sealed?: () => void },
): Sealer {
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failing: string | undefined;
  const run = async (): Promise<void> => {
    let more = true;
    while (more && !closed) {
      let round: SealRound;
      try {
        round = await sealRound(deps);
      } catch (error) {
        round = { sealed: 0, deferred: 0, failures: [{ office: '-', error: String(error) }] };
      }
      if (round.sealed > 0) deps.sealed?.();
      // Logged once per change of state, not per round: signing down for an hour is one line.
      const state = round.failures.length === 0 ? undefined : round.failures.map((f) => f.error).join('; ');
      if (state !== undefined && state !== failing)
        deps.logger.warn({ failures: round.failures.slice(0, 5) }, 'delivery: evidence sealing failed; rows wait');
      if (state === undefined && failing !== undefined && round.sealed > 0)
        deps.logger.info('delivery: evidence sealing works again');
      if (state !== undefined || round.sealed > 0) failing = state;
      // A sealed row may make its successors ready: again until a round seals nothing.
      more = round.sealed > 0 || again;
      again = false;
    }
  };
  const wake = (): void => {
    if (closed) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(wake, deps.pollMs);
  timer.unref();
  wake();
  return {
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
