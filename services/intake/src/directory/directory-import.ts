/**
 * An import into the directory: checked whole, then written whole, in one transaction
 * with its `directory.changed` events in the outbox (libs/db `enqueueEvents`), or refused
 * whole with every problem. An office's event carries the office as written, with all its
 * people (`directory-facts.ts`), read back inside the transaction. Imports run one at a time
 * (a transaction-level advisory lock), so the snapshot they are checked against is the one
 * they change. A directory administrator imports into their committee's subtree
 * (`directory-scope.ts`); the seed of `npm start` imports as the system, unscoped.
 */
import { createEnvelope, maxEnvelopeBytes } from '@lienthong/bus';
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool, PoolClient } from '@lienthong/db';
import { eventDefinitions, type DirectoryChanged } from '@lienthong/records';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { intakeErrors } from '../errors.ts';
import { readOfficesCsv } from './directory-csv.ts';
import {
  toDirectoryDocument,
  type DirectoryDocument,
  type DirectoryInput,
  type PersonEntry,
} from './directory-document.ts';
import { directoryChanges, type DirectoryChange, type DirectoryChanges } from './directory-changes.ts';
import { officeFacts, organisationOf } from './directory-facts.ts';
import { checkImport, maxProblems } from './directory-rules.ts';
import { checkScope } from './directory-scope.ts';
import type { DirectorySnapshot, StoredOffice } from './directory-snapshot.ts';
import { loadGroups, upsertGroups } from './group-repository.ts';
import { loadOffices, reviseOffices, upsertOffices } from './office-repository.ts';
import { loadPeople, upsertPeople } from './person-repository.ts';
import { topicIn } from '../event-topics.ts';

/** What an import did. */
export interface ImportResult {
  summary: DirectoryChanges['summary'];
  /** How many `directory.changed` events were published (0 when nothing changed). */
  events: number;
}

/** An import's body: parsed JSON, or CSV text (offices only). */
export type ImportSource = { kind: 'json'; input: DirectoryInput } | { kind: 'csv'; text: string };

async function snapshotFor(client: PoolClient, document: DirectoryDocument): Promise<DirectorySnapshot> {
  return {
    offices: await loadOffices(client),
    people: await loadPeople(
      client,
      document.people.map((p) => p.office),
    ),
    groups: await loadGroups(client),
  };
}

/** The events' data, each office's with its facts as now written (read in the import's transaction). */
async function eventData(
  client: PoolClient,
  events: readonly DirectoryChange[],
  at: Date,
): Promise<DirectoryChanged[]> {
  const codes = events.filter((e) => e.entity === 'office').map((e) => e.code);
  const offices = codes.length === 0 ? new Map<string, StoredOffice>() : await loadOffices(client);
  const people = new Map<string, PersonEntry[]>();
  for (const person of (await loadPeople(client, codes)).values()) {
    const list = people.get(person.office);
    if (list === undefined) people.set(person.office, [person]);
    else list.push(person);
  }
  return events.map((change) => {
    const data: DirectoryChanged = { ...change, at: at.toISOString() };
    const office = change.entity === 'office' ? offices.get(change.code) : undefined;
    if (office === undefined) return data;
    const facts = officeFacts(office, organisationOf(offices, office.code)!, people.get(office.code) ?? []);
    return { ...data, office: facts };
  });
}

async function write(client: PoolClient, changes: DirectoryChanges, at: Date, namespace: string): Promise<void> {
  await upsertOffices(client, changes.offices);
  await reviseOffices(client, changes.revisedOffices);
  await upsertPeople(client, changes.people);
  await upsertGroups(client, changes.groups);
  const definition = eventDefinitions.directoryChanged;
  const events = (await eventData(client, changes.events, at)).map((data) => {
    const key = definition.keyOf(data);
    return {
      topic: topicIn(namespace, definition.topic),
      key,
      envelope: createEnvelope({
        type: definition.type,
        schemaVersion: definition.version,
        source: 'intake',
        subject: key,
        data,
      }),
    };
  });
  // An event the bus would refuse would stop the outbox for good: refuse the import instead.
  const problems = events
    .map((event) => ({ event, bytes: Buffer.byteLength(JSON.stringify(event.envelope)) }))
    .filter(({ bytes }) => bytes > maxEnvelopeBytes)
    .slice(0, maxProblems)
    .map(({ event, bytes }) => ({
      pointer: '/people',
      message: `${event.envelope.data.code} would be published with its people in ${bytes} bytes, over the bus's ${maxEnvelopeBytes}: shorten or split its people`,
    }));
  if (problems.length > 0) throw new AppError(intakeErrors.DIRECTORY_INVALID, { extra: { problems } });
  await enqueueEvents(client, events);
}

/** The document of `source`, or 400 DIRECTORY_CSV_MALFORMED. */
function documentOf(source: ImportSource): { document: DirectoryDocument; lines: number[] } {
  if (source.kind === 'json') return { document: toDirectoryDocument(source.input), lines: [] };
  const read = readOfficesCsv(source.text);
  if (!read.ok) throw new AppError(intakeErrors.DIRECTORY_CSV_MALFORMED, { extra: { problems: read.problems } });
  return { document: { offices: read.offices, people: [], groups: [] }, lines: read.lines };
}

/**
 * Applies `document` in one transaction: 422 DIRECTORY_INVALID with every problem, then
 * `scope` may refuse (it throws), then what changed is written and published.
 */
async function applyImport(
  pool: Pool,
  document: DirectoryDocument,
  lines: readonly number[],
  scope: (snapshot: DirectorySnapshot) => void,
  namespace: string,
): Promise<ImportResult> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lienthong.intake.directory', 0))");
    const snapshot = await snapshotFor(client, document);
    const problems = checkImport(snapshot, document, lines);
    if (problems.length > 0) throw new AppError(intakeErrors.DIRECTORY_INVALID, { extra: { problems } });
    scope(snapshot);
    const changes = directoryChanges(snapshot, document);
    const { rows } = await client.query<{ now: Date }>('SELECT now() AS now');
    await write(client, changes, rows[0]!.now, namespace);
    return { summary: changes.summary, events: changes.events.length };
  });
}

/**
 * Imports `source` as `principal` (a directory administrator, within their committee's
 * subtree); its `directory.changed` events go under `namespace` (event-topics.ts).
 */
export async function importDirectory(
  pool: Pool,
  principal: Principal,
  source: ImportSource,
  namespace = '',
): Promise<ImportResult> {
  requireRoleOf(principal, roles.directoryAdmin);
  const { document, lines } = documentOf(source);
  return applyImport(
    pool,
    document,
    lines,
    (snapshot) => {
      const scope = checkScope(snapshot, document, principal.office);
      if (scope.ok) return;
      if (scope.reason === 'caller-unknown')
        throw new AppError(intakeErrors.DIRECTORY_CALLER_UNKNOWN, {
          detail: `${principal.office} is not an active office of the directory${snapshot.offices.size === 0 ? ' (the first import must hold the caller’s own office)' : ''}.`,
        });
      throw new AppError(intakeErrors.DIRECTORY_OUT_OF_SCOPE, { extra: { offices: scope.offices.slice(0, 100) } });
    },
    namespace,
  );
}

/**
 * Imports `document` as the system, unscoped: the seed of `npm start` and operators'
 * tooling that run inside the deployment. Idempotent like every import.
 */
export async function seedDirectory(pool: Pool, input: DirectoryInput, namespace = ''): Promise<ImportResult> {
  return applyImport(pool, toDirectoryDocument(input), [], () => undefined, namespace);
}
