/**
 * `lienthong audit verify`: the archive's audit log of the caller's office (services/archive
 * README, "Audit log") fetched page by page and checked with libs/evidence's chain verifier:
 * every hash recomputed, the numbers without gaps, each entry linked to the one before, and
 * the head verified the last time still there unchanged (a state file next to the client
 * configuration), so that an entry edited, removed, or the tail cut off is found.
 */
import { auditChainVerifier, type AuditBreak, type AuditChainReport } from '@lienthong/evidence';
import { parseCommandLine, positionals } from '../args.ts';
import { auditHeadsPath, headKey, readAuditHeads, writeAuditHeads } from '../client/audit-heads.ts';
import { endpointOf, readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';

/** An office code (libs/records `Code`). */
const codePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Entries asked for per page (the route's most). */
const pageSize = 1000;

interface HeadAnswer {
  office: string;
  seq: number;
  hash: string | null;
}

interface PageAnswer {
  office: string;
  entries: unknown[];
  nextAfter: number | null;
}

const notArchive = (endpoint: URL, why: string): CliError =>
  new CliError('SERVICE_UNREACHABLE', `archive at ${endpoint.origin} ${why}: is it a lienthong archive?`);

const short = (hash: string): string => `${hash.slice(0, 16)}…`;

/** The text report. */
function describe(report: AuditChainReport, endpoint: URL, remembered: { seq: number } | undefined): string {
  const where = `audit log of ${report.office} at ${endpoint.href}`;
  if (!report.valid) {
    const broken = report.broken!;
    return `${where}: BROKEN at entry ${broken.seq} (${broken.kind}): ${broken.message}\n  ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'} before it hold.\n`;
  }
  const head = report.head === null ? 'empty' : `head ${report.head.seq} ${short(report.head.hash)}`;
  const kept =
    remembered === undefined ? 'first verification here' : `entry ${remembered.seq} verified before unchanged`;
  return `${where}: valid, ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}, ${head}; ${kept}\n`;
}

/** `lienthong audit verify`. */
export const auditVerifyCommand: Command = {
  name: 'verify',
  summary: "check your office's archive audit log: every hash, link and the head seen before",
  usage: `Usage: lienthong audit verify [--office CODE] [--state FILE] [--config FILE] [--json]

Fetches the archive's audit log of your office (an archivist's token), page by
page, and checks it: every entry's SHA-256 recomputed over its canonical JSON,
the numbers 1, 2, 3 … without a gap, each entry naming the hash of the one
before. The last entry found valid is remembered per archive and office; the
next run fails if the log no longer holds that entry unchanged (its tail cut
off, or rewritten from some entry on). Prints the first entry that does not
hold: edited, removed, reordered, truncated, rewritten or malformed.

  --office CODE   your office (the archive refuses any other); default: the
                  token's
  --state FILE    where the verified heads are kept (default:
                  lienthong-audit-heads.json next to the client configuration)
  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "archive": "http://…" }, "token": "…" }
  --json          print { "office", "valid", "entries", "head", "remembered",
                  "broken", … } as JSON

Exit status: 0 the log holds; 1 it is broken (the first broken entry named);
2 unusable command line, configuration or state file, the archive unreachable,
or a refusal by it (the log could not be checked).
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('audit verify', args, {
      office: { type: 'string' },
      state: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('audit verify', rest, []);
    const json = values.json === true;
    if (values.office !== undefined && !codePattern.test(values.office))
      throw new CliError(
        'USAGE',
        `--office ${values.office}: not an office code. Run 'lienthong audit verify --help'.`,
      );
    const config = readClientConfig(io, values.config);
    const endpoint = endpointOf(config, 'archive');
    const statePath = auditHeadsPath(io, config, values.state);
    const heads = readAuditHeads(statePath);
    try {
      return await verify(io, { config, endpoint, statePath, heads, json, office: values.office });
    } catch (e) {
      if (!(e instanceof ServiceRefusal)) throw e;
      reportRefusal(io, e, json);
      return EXIT.unusable;
    }
  },
};

async function verify(
  io: CliIo,
  context: {
    config: ReturnType<typeof readClientConfig>;
    endpoint: URL;
    statePath: string;
    heads: ReturnType<typeof readAuditHeads>;
    json: boolean;
    office: string | undefined;
  },
): Promise<number> {
  const { config, endpoint, statePath, heads, json } = context;
  const office = context.office;
  const head = await callService<HeadAnswer>(io, config, 'archive', {
    method: 'GET',
    path: '/v1/audit/head',
    query: { office },
  });
  if (typeof head?.office !== 'string' || !codePattern.test(head.office) || !Number.isSafeInteger(head.seq))
    throw notArchive(endpoint, 'answered /v1/audit/head without an office and a seq');
  if (office !== undefined && head.office !== office)
    throw notArchive(endpoint, `answered the head of ${head.office} when asked for ${office}`);
  const key = headKey(endpoint, head.office);
  const remembered = heads[key];
  const verifier = auditChainVerifier({
    office: head.office,
    ...(remembered === undefined ? {} : { remembered: { seq: remembered.seq, hash: remembered.hash } }),
  });
  let after = 0;
  for (;;) {
    const page = await callService<PageAnswer>(io, config, 'archive', {
      method: 'GET',
      path: '/v1/audit',
      query: { office, after, limit: pageSize },
    });
    if (page?.office !== head.office || !Array.isArray(page.entries) || page.entries.length > pageSize)
      throw notArchive(endpoint, `answered a page of /v1/audit that is not ${head.office}'s`);
    if (verifier.add(page.entries) !== undefined || page.nextAfter === null) break;
    const last = page.entries.at(-1) as { seq?: unknown } | undefined;
    if (!Number.isSafeInteger(page.nextAfter) || page.nextAfter <= after || last?.seq !== page.nextAfter)
      throw notArchive(endpoint, `answered a page of /v1/audit that does not lead on from ${after}`);
    after = page.nextAfter;
  }
  let report = verifier.finish();
  // The head was read first: the chain read after it must reach it, with the same hash.
  if (report.valid) {
    const reached = report.head?.seq ?? 0;
    let broken: AuditBreak | undefined;
    if (reached < head.seq)
      broken = {
        kind: 'truncated',
        seq: head.seq,
        message: `the archive's head is entry ${head.seq}, its log ends at entry ${reached}`,
      };
    else if (reached === head.seq && head.seq > 0 && report.head?.hash !== head.hash)
      broken = {
        kind: 'rewritten',
        seq: head.seq,
        message: `the archive's head names entry ${head.seq} ${short(String(head.hash))}, its log holds ${short(report.head!.hash)}`,
      };
    if (broken !== undefined) report = { ...report, valid: false, broken };
  }
  if (report.valid && report.head !== null) {
    const verifiedAt = new Date().toISOString();
    writeAuditHeads(statePath, { ...readAuditHeads(statePath), [key]: { ...report.head, verifiedAt } });
  }
  if (json)
    io.stdout(
      `${JSON.stringify(
        {
          ...report,
          endpoint: endpoint.href,
          remembered: remembered ?? null,
          broken: report.broken ?? null,
          state: statePath,
        },
        null,
        2,
      )}\n`,
    );
  else io.stdout(describe(report, endpoint, remembered));
  return report.valid ? EXIT.ok : EXIT.invalid;
}
