/**
 * What the register tests share: five offices to number in, the issue flow as the issue
 * route will run it (reserve → seal → confirm with `document.issued` in the outbox), and
 * readers of what a schema's registers and outbox hold.
 */
import { randomUUID } from 'node:crypto';
import { createEnvelope } from '@lienthong/bus';
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { eventDefinitions } from '@lienthong/records';
import { seedDirectory } from '../src/directory/directory-import.ts';
import { confirmIssued, reserveNumber } from '../src/registers/numbering.ts';
import type { NumberRequest } from '../src/registers/numbering.ts';
import { authHeader } from '../../../test/support/auth.ts';

/** Five offices of two provinces, each with its own abbreviation. */
export const registerOffices = ['VPTU-A', 'TU-A', 'HU-A1', 'TU-B', 'HU-B1'] as const;

/** Seeds the five offices (and the centre above them). */
export async function seedRegisterOffices(pool: Pool): Promise<void> {
  await seedDirectory(pool, {
    offices: [
      { code: 'TW', name: 'Ban Chấp hành Trung ương', abbreviation: 'TW', level: 'centre' },
      { code: 'TU-A', name: 'Tỉnh ủy An Giang', abbreviation: 'TU', level: 'province', parent: 'TW' },
      { code: 'VPTU-A', name: 'Văn phòng Tỉnh ủy An Giang', abbreviation: 'VPTU', level: 'province', parent: 'TU-A' },
      { code: 'HU-A1', name: 'Huyện ủy Châu Thành', abbreviation: 'HU', level: 'district', parent: 'TU-A' },
      { code: 'TU-B', name: 'Tỉnh ủy Bạc Liêu', abbreviation: 'TU', level: 'province', parent: 'TW' },
      { code: 'HU-B1', name: 'Huyện ủy Hồng Dân', abbreviation: 'HU', level: 'district', parent: 'TU-B' },
      {
        code: 'DU-OLD',
        name: 'Đảng ủy đã giải thể',
        abbreviation: 'ĐU',
        level: 'commune',
        parent: 'HU-B1',
        active: false,
      },
    ],
  });
}

/** The headers of a caller of `office` with `roles`. */
export const callerOf = (office: string, ...roles: string[]) =>
  authHeader({ subject: `person:${roles.join('-') || 'none'}-${office.toLowerCase()}`, office, roles });

/** A number request for a new document; QĐi shares the QĐ series by default. */
export function request(office: string, type: string, overrides: Partial<NumberRequest> = {}): NumberRequest {
  return {
    office,
    documentId: randomUUID(),
    type,
    date: new Date('2026-05-04T03:00:00Z'),
    subject: `Chỉ thị về công tác ${type} năm 2026`,
    by: 'person:van-thu',
    ...overrides,
  };
}

/**
 * The issue flow as the issue route will run it (docs/DESIGN.md "Issue, crash-safe"): a
 * transaction reserves the number; the seal (`seal`, the signing service's call, retried
 * with the same number) runs outside any transaction; a second transaction marks the
 * number issued and, only when this one made that change, writes `document.issued`.
 */
export async function issueFlow(
  pool: Pool,
  req: NumberRequest,
  seal: (symbol: string) => Promise<void> = async () => {},
): Promise<{ symbol: string; published: boolean }> {
  const reserved = await withTransaction(pool, (c) => reserveNumber(c, req), { retries: 0 });
  await seal(reserved.symbol);
  return withTransaction(
    pool,
    async (c) => {
      const done = await confirmIssued(c, { office: req.office, documentId: req.documentId, by: req.by });
      if (done.isNew) {
        const issued = eventDefinitions.documentIssued;
        await enqueueEvents(c, [
          {
            topic: issued.topic,
            key: req.office,
            envelope: createEnvelope({
              type: issued.type,
              schemaVersion: issued.version,
              source: 'intake',
              subject: req.documentId,
              data: { documentId: req.documentId, office: req.office, symbol: done.symbol },
            }),
          },
        ]);
      }
      return { symbol: done.symbol, published: done.isNew };
    },
    { retries: 0 },
  );
}

/** The numbers of each series, `office/series/period` → numbers in order. */
export async function numbersBySeries(pool: Pool): Promise<Map<string, number[]>> {
  const { rows } = await pool.query<{ key: string; numbers: number[] }>(
    `SELECT office || '/' || series || '/' || period AS key, array_agg(number ORDER BY number) AS numbers
     FROM register_entry WHERE register = 'outgoing' GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.key, r.numbers]));
}

/** How many `document.issued` events the outbox holds for each document. */
export async function issuedEvents(pool: Pool): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ document: string; n: string }>(
    `SELECT envelope->>'subject' AS document, count(*) AS n FROM outbox
     WHERE topic = 'lienthong.document.issued.v1' GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.document, Number(r.n)]));
}

/** 1, 2, …, n. */
export const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
