/**
 * `lienthong archive dispose due|propose|approve|reject|show` and `lienthong archive hold`:
 * retention, disposition and legal hold of your office's records (services/archive README,
 * "Retention and disposition", "Legal hold").
 */
import { parseCommandLine } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Disposition {
  id: string;
  state: string;
  reason: string;
  proposedBy: string;
  decidedBy: string | null;
  certificate: { key: string; sha256: string } | null;
  records: Array<{ recordId: string; outcome: string | null; detail: string | null }>;
}

function describe(d: Disposition): string {
  const lines = [
    `disposition ${d.id}: ${d.state}; proposed by ${d.proposedBy}${d.decidedBy === null ? '' : `, decided by ${d.decidedBy}`}; reason: ${d.reason}`,
  ];
  for (const r of d.records)
    lines.push(`  ${r.recordId} ${r.outcome ?? 'pending'}${r.detail === null ? '' : `: ${r.detail}`}`);
  if (d.certificate !== null) lines.push(`  certificate ${d.certificate.key} sha256 ${d.certificate.sha256}`);
  return `${lines.join('\n')}\n`;
}

function ids(command: string, values: readonly string[], what: string): string[] {
  if (values.length === 0 || values.some((v) => !uuid.test(v)))
    throw new CliError('USAGE', `${command}: expected ${what} (UUIDs). Run 'lienthong ${command} --help'.`);
  return [...values];
}

async function withRefusals(io: CliIo, json: boolean, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (e) {
    if (!(e instanceof ServiceRefusal)) throw e;
    return reportRefusal(io, e, json);
  }
}

/** `lienthong archive dispose`. */
export const archiveDisposeCommand: Command = {
  name: 'dispose',
  summary: 'records due for disposition; propose, approve, reject, show a disposition',
  usage: `Usage: lienthong archive dispose due [--json]
       lienthong archive dispose list [--state STATE[,STATE…]] [--json]
       lienthong archive dispose propose RECORD-ID… --reason TEXT [--json]
       lienthong archive dispose approve DISPOSITION-ID [--json]
       lienthong archive dispose reject DISPOSITION-ID --reason TEXT [--json]
       lienthong archive dispose show DISPOSITION-ID [--json]

due: the records your office issued whose retention ended (not permanent, not
held). list: your office's dispositions, newest first (--state proposed for
those waiting for a decision). propose (an archivist): a disposition of those records with a reason.
approve (archive-approver, another person than the proposer): the records'
objects are deleted from the store (a record the store still locks is refused
and stays) and a disposal certificate is kept. reject: with a reason.

  --reason TEXT   why (propose, reject)
  --state STATES  list: proposed, approved, rejected, done (comma-separated)
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print the service's answer as JSON

Exit status: 0 done; 1 the archive refused, or a record was refused by the
store; 2 unusable command line or configuration, the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive dispose', args, {
      reason: { type: 'string' },
      state: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    const [verb, ...operands] = rest;
    if (values.state !== undefined && verb !== 'list')
      throw new CliError('USAGE', `archive dispose ${verb ?? ''}: --state is for list.`);
    const print = (answer: unknown, text: string) => io.stdout(json ? `${JSON.stringify(answer, null, 2)}\n` : text);
    const needReason = () => {
      if (values.reason === undefined || values.reason.trim() === '')
        throw new CliError('USAGE', `archive dispose ${verb}: --reason TEXT is required.`);
      return values.reason;
    };
    const one = () => ids(`archive dispose ${verb}`, operands.length === 1 ? operands : [], 'one DISPOSITION-ID')[0]!;
    if (verb === 'due') {
      if (operands.length > 0) throw new CliError('USAGE', 'archive dispose due: takes no arguments.');
      const config = readClientConfig(io, values.config);
      return withRefusals(io, json, async () => {
        const answer = await callService<{
          records: Array<{ recordId: string; symbol: string; retainUntil: string; subject: string }>;
        }>(io, config, 'archive', { method: 'GET', path: '/v1/dispositions/due', query: { limit: 1000 } });
        print(
          answer,
          answer.records.length === 0
            ? 'no records due\n'
            : answer.records
                .map((r) => `${r.recordId} ${r.symbol} retention ended ${r.retainUntil}: ${r.subject}\n`)
                .join(''),
        );
        return EXIT.ok;
      });
    }
    if (verb === 'list') {
      if (operands.length > 0) throw new CliError('USAGE', 'archive dispose list: takes no arguments.');
      const config = readClientConfig(io, values.config);
      return withRefusals(io, json, async () => {
        const dispositions: Array<Omit<Disposition, 'records'> & { recordCount: number; proposedAt: string }> = [];
        let cursor: string | null = null;
        do {
          const page: { dispositions: typeof dispositions; nextCursor: string | null } = await callService(
            io,
            config,
            'archive',
            {
              method: 'GET',
              path: '/v1/dispositions',
              query: {
                limit: 200,
                ...(values.state === undefined ? {} : { state: values.state }),
                ...(cursor === null ? {} : { cursor }),
              },
            },
          );
          dispositions.push(...page.dispositions);
          cursor = page.nextCursor;
        } while (cursor !== null);
        print(
          { dispositions },
          dispositions.length === 0
            ? 'no dispositions\n'
            : dispositions
                .map(
                  (d) =>
                    `${d.id} ${d.state} ${d.recordCount} record(s) proposed ${d.proposedAt} by ${d.proposedBy}: ${d.reason}\n`,
                )
                .join(''),
        );
        return EXIT.ok;
      });
    }
    let request: { method: 'GET' | 'POST'; path: string; body?: unknown };
    if (verb === 'propose')
      request = {
        method: 'POST',
        path: '/v1/dispositions',
        body: { recordIds: ids('archive dispose propose', operands, 'RECORD-ID…'), reason: needReason() },
      };
    else if (verb === 'approve') request = { method: 'POST', path: `/v1/dispositions/${one()}/approve` };
    else if (verb === 'reject')
      request = { method: 'POST', path: `/v1/dispositions/${one()}/reject`, body: { reason: needReason() } };
    else if (verb === 'show') request = { method: 'GET', path: `/v1/dispositions/${one()}` };
    else
      throw new CliError(
        'USAGE',
        "archive dispose: expected due, list, propose, approve, reject or show. Run 'lienthong archive dispose --help'.",
      );
    const config = readClientConfig(io, values.config);
    return withRefusals(io, json, async () => {
      const d = await callService<Disposition>(io, config, 'archive', {
        method: request.method,
        path: request.path,
        ...(request.body === undefined ? {} : { body: jsonBody(request.body) }),
      });
      print(d, describe(d));
      return d.records.some((r) => r.outcome === 'refused') ? EXIT.invalid : EXIT.ok;
    });
  },
};

const jsonBody = (value: unknown) => ({ contentType: 'application/json', bytes: Buffer.from(JSON.stringify(value)) });

/** `lienthong archive hold`. */
export const archiveHoldCommand: Command = {
  name: 'hold',
  summary: 'put a record your office issued under legal hold, or --release it',
  usage: `Usage: lienthong archive hold RECORD-ID --reason TEXT [--json]
       lienthong archive hold RECORD-ID --release [--json]

Places (or releases) the legal hold of a record your office issued (an
archivist's token): the store's hold on every version of its package, their
retention extended (a released record stays locked until that date), and the
archive's flag; a held record is never due for disposition. A permanent
record's hold is not released.

  --reason TEXT   why (to place a hold)
  --release       release the hold
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print the answer as JSON

Exit status: 0 done; 1 the archive refused; 2 unusable command line or
configuration, the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive hold', args, {
      reason: { type: 'string' },
      release: { type: 'boolean' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const json = values.json === true;
    const [id] = ids('archive hold', rest.length === 1 ? rest : [], 'one RECORD-ID');
    const release = values.release === true;
    if (release === (values.reason !== undefined))
      throw new CliError(
        'USAGE',
        "archive hold: give --reason TEXT to place a hold, or --release. Run 'lienthong archive hold --help'.",
      );
    const config = readClientConfig(io, values.config);
    return withRefusals(io, json, async () => {
      const answer = await callService<{ recordId: string; legalHold: boolean; lockedUntil?: string }>(
        io,
        config,
        'archive',
        {
          method: release ? 'DELETE' : 'PUT',
          path: `/v1/records/${id}/hold`,
          ...(release ? {} : { body: jsonBody({ reason: values.reason }) }),
        },
      );
      io.stdout(
        json
          ? `${JSON.stringify(answer, null, 2)}\n`
          : `${answer.recordId}: ${answer.legalHold ? 'under legal hold' : 'hold released'}${
              answer.lockedUntil === undefined ? '' : `, locked in the store until ${answer.lockedUntil}`
            }\n`,
      );
      return EXIT.ok;
    });
  },
};
