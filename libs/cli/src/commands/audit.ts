/**
 * `lienthong audit verify`: the archive's audit log of the caller's office (services/archive
 * README, "Audit log") fetched page by page and checked with libs/evidence's chain verifier:
 * every hash recomputed, the numbers without gaps, each entry linked to the one before, and
 * the head verified the last time still there unchanged (a state file next to the client
 * configuration), and every head the archive had time-stamped (its checkpoints) still there
 * unchanged, each token over it verified (against `--anchor`), so that an entry edited,
 * removed, or the tail cut off is found, by a verifier that never saw the log before too.
 */
import {
  auditChainVerifier,
  auditCheckpointRoot,
  checkBatchTimestamp,
  rootOfToken,
  type AuditBreak,
  type AuditChainReport,
} from '@lienthong/evidence';
import type { Certificate } from '@lienthong/pki';
import { parseCommandLine, positionals } from '../args.ts';
import { auditHeadsPath, headKey, readAuditHeads, writeAuditHeads } from '../client/audit-heads.ts';
import { endpointOf, readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { readCertificateFiles } from '../inputs/certificates.ts';
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

interface Checkpoint {
  seq: number;
  hash: string;
  genTime: string;
  token: string;
}

interface CheckpointPage {
  office: string;
  checkpoints: Checkpoint[];
  nextAfter: number | null;
}

/** What the checkpoints said: how many, up to which entry, and whether their tokens were checked against an anchor. */
interface CheckpointSummary {
  count: number;
  lastSeq: number;
  lastGenTime: string | null;
  anchored: boolean;
}

const notArchive = (endpoint: URL, why: string): CliError =>
  new CliError('SERVICE_UNREACHABLE', `archive at ${endpoint.origin} ${why}: is it a lienthong archive?`);

const short = (hash: string): string => `${hash.slice(0, 16)}…`;

/** The text report. */
function describe(
  report: AuditChainReport,
  endpoint: URL,
  remembered: { seq: number } | undefined,
  checkpoints: CheckpointSummary,
): string {
  const where = `audit log of ${report.office} at ${endpoint.href}`;
  if (!report.valid) {
    const broken = report.broken!;
    return `${where}: BROKEN at entry ${broken.seq} (${broken.kind}): ${broken.message}\n  ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'} before it hold.\n`;
  }
  const head = report.head === null ? 'empty' : `head ${report.head.seq} ${short(report.head.hash)}`;
  const kept =
    remembered === undefined ? 'first verification here' : `entry ${remembered.seq} verified before unchanged`;
  const stamped =
    checkpoints.count === 0
      ? 'no time-stamped checkpoint yet'
      : `${checkpoints.count} time-stamped checkpoint(s) hold, the last at entry ${checkpoints.lastSeq} (${checkpoints.lastGenTime})${checkpoints.anchored ? '' : ', their tokens not checked against a trust anchor (--anchor)'}`;
  return `${where}: valid, ${report.entries} entr${report.entries === 1 ? 'y' : 'ies'}, ${head}; ${kept}; ${stamped}\n`;
}

/** `lienthong audit verify`. */
export const auditVerifyCommand: Command = {
  name: 'verify',
  summary: "check your office's archive audit log: every hash, link and the head seen before",
  usage: `Usage: lienthong audit verify [--office CODE] [--anchor FILE…] [--state FILE] [--config FILE] [--json]

Fetches the archive's audit log of your office (an archivist's token), page by
page, and checks it: every entry's SHA-256 recomputed over its canonical JSON,
the numbers 1, 2, 3 … without a gap, each entry naming the hash of the one
before. The last entry found valid is remembered per archive and office; the
next run fails if the log no longer holds that entry unchanged (its tail cut
off, or rewritten from some entry on). The archive also has its heads
time-stamped at intervals (checkpoints): each must still be in the log unchanged,
its token over it, so a cut or rewrite before the last checkpoint is found even
on a first run. Prints the first entry that does not hold: edited, removed,
reordered, truncated, rewritten or malformed.

  --office CODE   your office (the archive refuses any other); default: the
                  token's
  --anchor FILE   trust anchor(s) of the archive's TSA (signing's root,
                  e.g. .data/embedded/demo/root.pem), repeatable: each
                  checkpoint's token is verified to it; without it only the
                  token's imprint is compared
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
      anchor: { type: 'string', multiple: true },
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
    const anchors = readCertificateFiles(io, values.anchor);
    try {
      return await verify(io, { config, endpoint, statePath, heads, json, office: values.office, anchors });
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
    anchors: Certificate[];
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
  const checkpoints = await fetchCheckpoints(io, config, endpoint, head.office, office);
  const checks = checkpointChecker(head.office, checkpoints, context.anchors);
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
    const chainBreak = verifier.add(page.entries);
    checks.add(page.entries);
    if (chainBreak !== undefined || page.nextAfter === null) break;
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
    broken ??= checks.finish(reached);
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
          checkpoints: checks.summary,
          broken: report.broken ?? null,
          state: statePath,
        },
        null,
        2,
      )}\n`,
    );
  else io.stdout(describe(report, endpoint, remembered, checks.summary));
  return report.valid ? EXIT.ok : EXIT.invalid;
}

/** Every checkpoint of `office`'s log, page by page. */
async function fetchCheckpoints(
  io: CliIo,
  config: ReturnType<typeof readClientConfig>,
  endpoint: URL,
  office: string,
  asked: string | undefined,
): Promise<Checkpoint[]> {
  const all: Checkpoint[] = [];
  let after = 0;
  for (;;) {
    const from = after;
    const page = await callService<CheckpointPage>(io, config, 'archive', {
      method: 'GET',
      path: '/v1/audit/checkpoints',
      query: { office: asked, after, limit: pageSize },
    });
    if (page?.office !== office || !Array.isArray(page.checkpoints) || page.checkpoints.length > pageSize)
      throw notArchive(endpoint, `answered a page of /v1/audit/checkpoints that is not ${office}'s`);
    for (const c of page.checkpoints) {
      const good =
        Number.isSafeInteger(c?.seq) &&
        c.seq > after &&
        typeof c.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(c.hash) &&
        typeof c.token === 'string' &&
        typeof c.genTime === 'string';
      if (!good) throw notArchive(endpoint, 'answered a checkpoint without a seq, hash, time and token');
      all.push(c);
      after = c.seq;
    }
    if (page.nextAfter === null) return all;
    if (page.nextAfter !== after || after <= from)
      throw notArchive(endpoint, 'answered checkpoints that do not lead on');
  }
}

/**
 * The checkpoints held against the log as its pages are read: the entry each names must be
 * there with its hash, and its token must be over that head (`auditCheckpointRoot`) and,
 * with anchors, verify to one of them. `finish(reached)`: the first that does not hold.
 */
function checkpointChecker(
  office: string,
  checkpoints: Checkpoint[],
  anchors: Certificate[],
): {
  add(entries: readonly unknown[]): void;
  finish(reached: number): AuditBreak | undefined;
  summary: CheckpointSummary;
} {
  const bySeq = new Map(checkpoints.map((c) => [c.seq, c]));
  let broken: AuditBreak | undefined;
  const last = checkpoints.at(-1);
  for (const c of checkpoints) {
    const root = auditCheckpointRoot(office, { seq: c.seq, hash: c.hash });
    const token = Buffer.from(c.token, 'base64');
    const imprint = rootOfToken(token);
    const fail = (message: string): AuditBreak => ({ kind: 'rewritten', seq: c.seq, message });
    if (imprint === undefined || !Buffer.from(imprint).equals(Buffer.from(root))) {
      broken = fail(`the checkpoint of entry ${c.seq} has a token that is not over it`);
      break;
    }
    if (anchors.length > 0) {
      const check = checkBatchTimestamp(token, root, {
        trustAnchors: anchors.map((a) => a.der),
        time: new Date(),
      });
      if (!check.ok) {
        broken = fail(`the checkpoint of entry ${c.seq} has a token that does not verify: ${check.message}`);
        break;
      }
    }
  }
  return {
    add(entries) {
      if (broken !== undefined) return;
      for (const entry of entries) {
        const { seq, hash } = (entry ?? {}) as { seq?: unknown; hash?: unknown };
        const c = typeof seq === 'number' ? bySeq.get(seq) : undefined;
        if (c !== undefined && hash !== c.hash) {
          broken = {
            kind: 'rewritten',
            seq: c.seq,
            message: `entry ${c.seq} is not the one time-stamped at ${c.genTime} (${short(c.hash)}): the log was rewritten from there on or before`,
          };
          return;
        }
      }
    },
    finish(reached) {
      if (broken !== undefined) return broken;
      if (last !== undefined && reached < last.seq)
        return {
          kind: 'truncated',
          seq: last.seq,
          message: `entry ${last.seq} was time-stamped at ${last.genTime}, the log ends at entry ${reached}`,
        };
      return undefined;
    },
    summary: {
      count: checkpoints.length,
      lastSeq: last?.seq ?? 0,
      lastGenTime: last?.genTime ?? null,
      anchored: anchors.length > 0,
    },
  };
}
