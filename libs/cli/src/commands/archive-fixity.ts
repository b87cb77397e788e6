/**
 * `lienthong archive fixity`: the failed fixity checks of your office's records and the last
 * run that covered them (services/archive README, "Fixity"); `--run` starts a run of your
 * office's records first and waits for its end.
 */
import { parseCommandLine, positionals } from '../args.ts';
import { endpointOf, readClientConfig } from '../client/client-config.ts';
import { callService, reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';

interface Run {
  id: string;
  location: string;
  office: string | null;
  startedAt: string;
  finishedAt: string | null;
  checked: number;
  failed: number;
  bytesRead: number;
  error: string | null;
}

interface Failure {
  recordId: string;
  name: string;
  location: string;
  outcome: string;
  checkedAt: string;
  expected: { sha256: string | null; size: number | null };
  found: { sha256: string | null; size: number | null };
}

interface Overview {
  office: string;
  failures: Failure[];
  lastRun: Run | null;
}

/** Between two looks at a run that has not ended. */
const pollMs = 1000;

const short = (hash: string | null): string => (hash === null ? '-' : `${hash.slice(0, 16)}…`);

function describe(overview: Overview): string {
  const run = overview.lastRun;
  const lines = [
    run === null
      ? `fixity of ${overview.office}'s records: no run yet`
      : `fixity of ${overview.office}'s records: last run ${run.id} (${run.office === null ? 'every record' : run.office}, ${run.location}) started ${run.startedAt}, ${run.finishedAt === null ? 'going' : `ended ${run.finishedAt}`}: ${run.checked} checked, ${run.failed} failed, ${run.bytesRead} bytes read${run.error === null ? '' : `; stopped: ${run.error}`}`,
    overview.failures.length === 0 ? 'no failures' : `${overview.failures.length} object(s) whose last check failed:`,
  ];
  for (const f of overview.failures)
    lines.push(
      `  ${f.outcome.toUpperCase()} ${f.recordId}/${f.name} at ${f.location}, ${f.checkedAt}: expected ${short(f.expected.sha256)} ${f.expected.size ?? '-'} B, found ${short(f.found.sha256)} ${f.found.size ?? '-'} B`,
    );
  return `${lines.join('\n')}\n`;
}

/** `lienthong archive fixity`. */
export const archiveFixityCommand: Command = {
  name: 'fixity',
  summary: "failed fixity checks of your office's archived records; --run checks them now",
  usage: `Usage: lienthong archive fixity [--run] [--config FILE] [--json]

Shows the objects of your office's archived records whose last fixity check
(the archive re-reading them and comparing their SHA-256 and length with what
it recorded) found other bytes, nothing, or could not read them, and the last
run that covered your office's records. An archivist's token.

  --run           first start a run of your office's records (each object
                  read back once) and wait for its end
  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "archive": "http://…" }, "token": "…" }
  --json          print { "office", "failures", "lastRun" } as JSON

Exit status: 0 no failures; 1 failures exist, or the archive refused;
2 unusable command line or configuration, the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive fixity', args, {
      run: { type: 'boolean' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('archive fixity', rest, []);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    const endpoint = endpointOf(config, 'archive');
    try {
      if (values.run === true) await runAndWait(io, config, endpoint);
      const overview = await callService<Overview>(io, config, 'archive', { method: 'GET', path: '/v1/fixity' });
      if (!Array.isArray(overview?.failures) || typeof overview.office !== 'string')
        throw new CliError('SERVICE_UNREACHABLE', `archive at ${endpoint.origin} answered /v1/fixity without failures`);
      io.stdout(json ? `${JSON.stringify(overview, null, 2)}\n` : describe(overview));
      return overview.failures.length === 0 ? EXIT.ok : EXIT.invalid;
    } catch (e) {
      if (!(e instanceof ServiceRefusal)) throw e;
      return reportRefusal(io, e, json);
    }
  },
};

async function runAndWait(io: CliIo, config: ReturnType<typeof readClientConfig>, endpoint: URL): Promise<void> {
  const started = await callService<Run>(io, config, 'archive', { method: 'POST', path: '/v1/fixity/runs' });
  if (typeof started?.id !== 'string' || !/^[0-9a-f-]{36}$/.test(started.id))
    throw new CliError('SERVICE_UNREACHABLE', `archive at ${endpoint.origin} answered a run without an id`);
  for (;;) {
    const run = await callService<Run>(io, config, 'archive', { method: 'GET', path: `/v1/fixity/runs/${started.id}` });
    if (run.finishedAt !== null) return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
