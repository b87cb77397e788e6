/**
 * `lienthong delivery status DOC`: how the delivery of a document the caller's office
 * issued stands, per recipient office (services/delivery README, "Routes"): status, times,
 * incoming number, refusal reason, overdue.
 */
import { parseCommandLine, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, ServiceRefusal } from '../client/service-client.ts';
import { EXIT } from '../errors.ts';
import type { Command } from '../io.ts';
import { asClient } from './doc-client.ts';
import { statusNames } from './inbox-client.ts';

interface DeliveryAnswer {
  id: string;
  documentId: string;
  symbol: string;
  subject: string;
  deadline: string | null;
  recall?: { kind: string; reason: string; at: string; replacedBy: string | null } | null;
  counts: { byStatus: Record<string, number>; overdue: number; total: number };
}

interface LegAnswer {
  recipient: string;
  status: string;
  statusAt: string;
  incoming: { number: number; period: string } | null;
  refusalReason: string | null;
  recallRefusalReason?: string | null;
  overdue: boolean;
}

/** `lienthong delivery status DOC`. */
export const deliveryStatusCommand: Command = {
  name: 'status',
  summary: 'per recipient office: how the delivery of a document stands',
  usage: `Usage: lienthong delivery status DOC [--config FILE] [--json]

Shows how the delivery of document DOC (issued by your office) stands: per
recipient office its status, since when, its incoming number or refusal reason,
and OVERDUE when the deadline passed without an answer; after a recall, the
recall and each recipient's answer (15 given back, 16 kept, with its reason).

  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "delivery": "http://…" }, "token": "…" }
  --json          print { "delivery": …, "legs": [ … ] } as JSON

Exit status: 0 shown; 1 the service refused or has no delivery of DOC for your
office; 2 unusable command line or configuration.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('delivery status', args, {
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [documentId] = positionals('delivery status', rest, ['doc']);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const { deliveries } = await callService<{ deliveries: DeliveryAnswer[] }>(io, config, 'delivery', {
        method: 'GET',
        path: '/v1/deliveries',
        query: { document: documentId },
      });
      const delivery = deliveries[0];
      if (delivery === undefined)
        throw new ServiceRefusal({
          status: 404,
          code: 'DELIVERY_NOT_FOUND',
          detail: `no delivery of ${documentId} sent by your office (is it issued?)`,
        });
      const legs: LegAnswer[] = [];
      let after: string | undefined;
      do {
        const page: { legs: LegAnswer[]; nextAfter: string | null } = await callService(io, config, 'delivery', {
          method: 'GET',
          path: `/v1/deliveries/${encodeURIComponent(delivery.id)}`,
          query: { after, limit: 5000 },
        });
        legs.push(...page.legs);
        after = page.nextAfter ?? undefined;
      } while (after !== undefined);
      if (json) {
        io.stdout(`${JSON.stringify({ delivery, legs }, null, 2)}\n`);
        return EXIT.ok;
      }
      io.stdout(`${delivery.symbol}  ${delivery.subject}\n`);
      if (delivery.recall != null)
        io.stdout(
          `  ${delivery.recall.kind} ${delivery.recall.at}: ${delivery.recall.reason}${delivery.recall.replacedBy === null ? '' : ` (by ${delivery.recall.replacedBy})`}\n`,
        );
      for (const l of legs) {
        const status = `${l.status} ${statusNames[l.status] ?? ''}`.trim();
        const note =
          l.incoming !== null
            ? `số đến ${l.incoming.number}/${l.incoming.period}`
            : l.refusalReason !== null
              ? `refused: ${l.refusalReason}`
              : l.recallRefusalReason != null
                ? `kept: ${l.recallRefusalReason}`
                : '';
        io.stdout(
          `  ${l.recipient.padEnd(16)}  ${status.padEnd(14)}  ${l.statusAt}  ${l.overdue ? 'OVERDUE ' : ''}${note}\n`,
        );
      }
      const counts = Object.entries(delivery.counts.byStatus)
        .map(([code, n]) => `${n} ${statusNames[code] ?? code}`)
        .join(', ');
      io.stdout(
        `${delivery.counts.total} recipient(s): ${counts}${delivery.counts.overdue > 0 ? `; ${delivery.counts.overdue} overdue` : ''}\n`,
      );
      return EXIT.ok;
    });
  },
};
