/**
 * `lienthong ca expiring`: the certificates of the signing service's CA that end soon and
 * have no successor yet, for an operator's cron (exit 1 when there are any): the root,
 * issuing CA, TSA and OCSP certificates, and the seal and personal certificates of the
 * caller's office (every page of `GET /v1/ca/certificates`; services/signing README).
 */
import { officeCodeOf, readCertificate } from '@lienthong/pki';
import { parseCommandLine, parseInteger, positionals } from '../args.ts';
import { readClientConfig, type ClientConfig } from '../client/client-config.ts';
import { callService, fetchServiceFile } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import type { CliIo, Command } from '../io.ts';
import { asClient } from './doc-client.ts';

/** A certificate as the list gives it. */
interface Listed {
  id: string;
  role: string;
  subject: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  revokedAt: string | null;
}

/** One that ends within the window. */
interface Expiring extends Listed {
  daysLeft: number;
}

const pageSize = 100;
// A CA holding more is not one this command was made for; stop rather than loop forever on a hostile answer.
const maxPages = 10_000;
const day = 86_400_000;

/** The office the token acts for (its `office` claim): the token is the caller's own, read, not verified. */
function officeOf(config: ClientConfig): string {
  try {
    const payload = JSON.parse(Buffer.from(config.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      office?: unknown;
    };
    if (typeof payload.office === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(payload.office))
      return payload.office;
  } catch {
    // Not a JWT: said below.
  }
  throw new CliError('CONFIG_INVALID', `${config.path}: the token names no office (an "office" claim).`);
}

function isListed(value: unknown): value is Listed {
  const c = value as Partial<Listed> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.id === 'string' &&
    /^[0-9a-fA-F-]{36}$/.test(c.id) &&
    typeof c.role === 'string' &&
    typeof c.subject === 'string' &&
    typeof c.serial === 'string' &&
    typeof c.notAfter === 'string' &&
    !Number.isNaN(Date.parse(c.notAfter)) &&
    (c.revokedAt === null || typeof c.revokedAt === 'string')
  );
}

/** Every certificate the caller may list, page after page (progress on stderr past the first page). */
async function listAll(io: CliIo, config: ClientConfig, json: boolean): Promise<Listed[]> {
  const all: Listed[] = [];
  let offset: number | null = 0;
  for (let page = 0; offset !== null; page++) {
    if (page >= maxPages)
      throw new CliError('SERVICE_UNREACHABLE', `signing listed more than ${String(maxPages)} pages of certificates.`);
    const answer: { certificates?: unknown; nextOffset?: unknown } = await callService(io, config, 'signing', {
      method: 'GET',
      path: '/v1/ca/certificates',
      query: { limit: pageSize, offset },
    });
    if (!Array.isArray(answer.certificates) || !answer.certificates.every(isListed))
      throw new CliError('SERVICE_UNREACHABLE', 'signing answered a certificate list this command cannot read.');
    all.push(...answer.certificates);
    const next = answer.nextOffset;
    if (next !== null && (typeof next !== 'number' || !Number.isInteger(next) || next <= offset))
      throw new CliError('SERVICE_UNREACHABLE', 'signing answered a certificate list page that does not move on.');
    offset = next;
    if (!json && page > 0) io.stderr(`\rcertificates read: ${String(all.length)}`);
  }
  if (!json && all.length > pageSize) io.stderr('\n');
  return all;
}

/** The office a seal certificate names (its organizationIdentifier), read from the certificate itself. */
async function sealOffice(io: CliIo, config: ClientConfig, id: string): Promise<string | undefined> {
  const der = await fetchServiceFile(
    io,
    config,
    'signing',
    { method: 'GET', path: `/v1/ca/certificates/${encodeURIComponent(id)}`, anonymous: true },
    'application/pkix-cert',
  );
  try {
    return officeCodeOf(readCertificate(der).subject);
  } catch {
    throw new CliError(
      'SERVICE_UNREACHABLE',
      `signing answered certificate ${id} with bytes that are not a certificate.`,
    );
  }
}

const serviceRoles = new Set(['root', 'issuing-ca', 'tsa', 'ocsp']);

/**
 * The certificates valid now, not revoked, ending before `until`, of the service or of
 * `office`, whose role and subject no other valid certificate carries past `until` (those
 * were renewed already), sorted by end date.
 */
async function expiring(
  io: CliIo,
  config: ClientConfig,
  office: string,
  all: readonly Listed[],
  now: Date,
  until: Date,
): Promise<Expiring[]> {
  const live = all.filter((c) => c.revokedAt === null && Date.parse(c.notAfter) > now.getTime());
  const renewed = (c: Listed): boolean =>
    live.some(
      (o) => o.id !== c.id && o.role === c.role && o.subject === c.subject && Date.parse(o.notAfter) > until.getTime(),
    );
  const ending = live.filter(
    (c) =>
      (serviceRoles.has(c.role) || c.role === 'seal' || c.role === 'person') &&
      Date.parse(c.notAfter) <= until.getTime() &&
      !renewed(c),
  );
  const mine: Listed[] = [];
  for (const c of ending) {
    // The list shows every office's seals; only the certificate itself says whose a seal is.
    if (c.role !== 'seal' || (await sealOffice(io, config, c.id)) === office) mine.push(c);
  }
  return mine
    .map((c) => ({ ...c, daysLeft: Math.floor((Date.parse(c.notAfter) - now.getTime()) / day) }))
    .sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter) || a.id.localeCompare(b.id));
}

/** `lienthong ca expiring`. */
export const caExpiringCommand: Command = {
  name: 'expiring',
  summary: "the CA's and your office's certificates ending soon (exit 1 if any)",
  usage: `Usage: lienthong ca expiring [--within DAYS] [--config FILE] [--json]

Lists the certificates of the signing service's CA that end within DAYS (default
30) and were not renewed yet, by end date: the root, issuing CA, TSA and OCSP
certificates, your office's seal certificates and its people's personal
certificates (what GET /v1/ca/certificates shows your token). A certificate
counts while it is valid and not revoked; it was renewed when another valid
certificate of the same role and subject ends after the window. For cron: exit 1
when any is listed.

  --within DAYS   the window, 1-3650 days (default 30)
  --config FILE   client configuration (default: $LIENTHONG_CONFIG):
                  { "endpoints": { "signing": "http://…" }, "token": "…" }
  --json          print { "office", "within", "until", "certificates": [ … ] }

Exit status: 0 none ends within the window; 1 some do, or the service refused;
2 unusable command line or configuration, the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('ca expiring', args, {
      within: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('ca expiring', rest, []);
    const within = values.within === undefined ? 30 : parseInteger('within', values.within, 1, 3650);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    const office = officeOf(config);
    return asClient(io, json, async () => {
      const now = new Date();
      const until = new Date(now.getTime() + within * day);
      const found = await expiring(io, config, office, await listAll(io, config, json), now, until);
      if (json) {
        io.stdout(
          `${JSON.stringify(
            {
              office,
              within,
              until: until.toISOString(),
              certificates: found.map(({ id, role, subject, serial, notBefore, notAfter, daysLeft }) => ({
                id,
                role,
                subject,
                serial,
                notBefore,
                notAfter,
                daysLeft,
              })),
            },
            null,
            2,
          )}\n`,
        );
      } else if (found.length === 0) {
        io.stdout(`no certificate of the CA or of ${office} ends within ${String(within)} days\n`);
      } else {
        io.stdout(
          `${String(found.length)} certificate(s) of the CA or of ${office} end within ${String(within)} days:\n`,
        );
        for (const c of found)
          io.stdout(
            `  ${c.notAfter}  ${`${String(c.daysLeft)} d`.padStart(6)}  ${c.role.padEnd(10)}  ${c.serial}  ${c.subject}\n`,
          );
      }
      return found.length === 0 ? EXIT.ok : EXIT.invalid;
    });
  },
};
