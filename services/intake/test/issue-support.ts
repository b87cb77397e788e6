/**
 * What the signing and issue tests share: a REAL signing app (services/signing's test app on
 * its own schema) listening on a loopback port, an intake app whose
 * LIENTHONG_INTAKE_SIGNING_URL points at it, a directory whose offices are the signing test
 * offices (VPTU-CM, VPTU-BL: `testOffices`), the signer's personal key and the offices'
 * seals enrolled at signing as its own tests and scripts/lib/demo.ts do, the callers, and
 * the steps submit → sign → issue.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDirectory } from '../src/directory/directory-import.ts';
import type { DirectoryInput } from '../src/directory/directory-document.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { signingForFile, testOffices, type TestSigning } from '../../signing/test/support.ts';
import { metadataOf, plainPdf, submissionParts, submit } from './documents-support.ts';
import { intakeForFile, type TestIntake, type TestObjects } from './support.ts';

/** The PIN of the signer's key at signing (8+ characters, one not a digit). */
export const pin = 'ky-so-2468';

/** The callers: the office system, the assigned signer, another signer, the registry, of VPTU-CM; and VPTU-BL's. */
export const callers = {
  system: authHeader({ subject: 'system:vptu-cm', office: 'VPTU-CM', roles: ['office-system'] }),
  signer: authHeader({ subject: 'person:bi-thu-cm', office: 'VPTU-CM', roles: ['signer'] }),
  otherSigner: authHeader({ subject: 'person:pho-bi-thu-cm', office: 'VPTU-CM', roles: ['signer'] }),
  registry: authHeader({ subject: 'person:van-thu-cm', office: 'VPTU-CM', roles: ['registry'] }),
  admin: authHeader({ subject: 'person:ca-admin-cm', office: 'VPTU-CM', roles: ['ca-admin'] }),
  foreignSigner: authHeader({ subject: 'person:bi-thu-cm', office: 'VPTU-BL', roles: ['signer'] }),
  foreignRegistry: authHeader({ subject: 'person:van-thu-bl', office: 'VPTU-BL', roles: ['registry'] }),
  foreignAdmin: authHeader({ subject: 'person:ca-admin-bl', office: 'VPTU-BL', roles: ['ca-admin'] }),
};

/** The callers of an office `VPTU-XX`: its office system, signer `person:bi-thu-xx`, registry and CA administrator. */
export function callersOf(office: string) {
  const short = office.replace(/^VPTU-/, '').toLowerCase();
  return {
    system: authHeader({ subject: `system:${office.toLowerCase()}`, office, roles: ['office-system'] }),
    signer: authHeader({ subject: `person:bi-thu-${short}`, office, roles: ['signer'] }),
    registry: authHeader({ subject: `person:van-thu-${short}`, office, roles: ['registry'] }),
    admin: authHeader({ subject: `person:ca-admin-${short}`, office, roles: ['ca-admin'] }),
  };
}

/** The offices a world may add beside VPTU-CM and VPTU-BL (each at signing and in the directory, with a signer and a seal). */
export const extraOffices = {
  'VPTU-HN': { province: 'TU-HN', name: 'Thành ủy Hà Nội' },
  'VPTU-AG': { province: 'TU-AG', name: 'Tỉnh ủy An Giang' },
  'VPTU-KG': { province: 'TU-KG', name: 'Tỉnh ủy Kiên Giang' },
} as const;

/** The directory of intake: the signing test offices VPTU-CM and VPTU-BL under their provinces. */
export const issueDirectory = {
  offices: [
    { code: 'TW', name: 'Ban Chấp hành Trung ương', abbreviation: 'TW', level: 'centre' as const },
    { code: 'TU-CM', name: 'Tỉnh ủy Cà Mau', abbreviation: 'TU', level: 'province' as const, parent: 'TW' },
    {
      code: 'VPTU-CM',
      name: 'Văn phòng Tỉnh ủy Cà Mau',
      abbreviation: 'VPTU',
      level: 'province' as const,
      parent: 'TU-CM',
    },
    { code: 'HU-CM1', name: 'Huyện ủy Thới Bình', abbreviation: 'HU', level: 'district' as const, parent: 'TU-CM' },
    { code: 'HU-CM2', name: 'Huyện ủy U Minh', abbreviation: 'HU', level: 'district' as const, parent: 'TU-CM' },
    { code: 'TU-BL', name: 'Tỉnh ủy Bạc Liêu', abbreviation: 'TU', level: 'province' as const, parent: 'TW' },
    {
      code: 'VPTU-BL',
      name: 'Văn phòng Tỉnh ủy Bạc Liêu',
      abbreviation: 'VPTU',
      level: 'province' as const,
      parent: 'TU-BL',
    },
  ],
  people: [
    { office: 'VPTU-CM', subject: 'person:bi-thu-cm', name: 'Nguyễn Văn An', title: 'Bí thư', roles: ['signer'] },
    {
      office: 'VPTU-CM',
      subject: 'person:pho-bi-thu-cm',
      name: 'Trần Văn Bình',
      title: 'Phó Bí thư',
      roles: ['signer'],
    },
    { office: 'VPTU-CM', subject: 'person:van-thu-cm', name: 'Lê Thị Hoa', title: 'Văn thư', roles: ['registry'] },
  ],
  groups: [
    {
      code: 'CM-HUYEN',
      office: 'VPTU-CM',
      name: 'Các huyện ủy trực thuộc Tỉnh ủy Cà Mau, Văn phòng Tỉnh ủy Bạc Liêu',
      offices: ['VPTU-BL', 'VPTU-CM'],
      rules: [{ under: 'TU-CM', level: 'district' as const }],
    },
  ],
};

/** The directory with the offices of `extra` (VPTU-BL's signer and every office's registry included). */
function directoryWith(extra: string[]) {
  const offices: NonNullable<DirectoryInput['offices']> = [...issueDirectory.offices];
  const people: NonNullable<DirectoryInput['people']> = [...issueDirectory.people];
  for (const office of extra) {
    const known = extraOffices[office as keyof typeof extraOffices];
    if (known !== undefined) {
      offices.push({ code: known.province, name: known.name, abbreviation: 'TU', level: 'province', parent: 'TW' });
      offices.push({
        code: office,
        name: `Văn phòng ${known.name}`,
        abbreviation: 'VPTU',
        level: 'province',
        parent: known.province,
      });
    }
    const short = office.replace(/^VPTU-/, '').toLowerCase();
    people.push(
      { office, subject: `person:bi-thu-${short}`, name: `Bí thư ${office}`, title: 'Bí thư', roles: ['signer'] },
      { office, subject: `person:van-thu-${short}`, name: `Văn thư ${office}`, title: 'Văn thư', roles: ['registry'] },
    );
  }
  return { ...issueDirectory, offices, people };
}

/** Signing and intake, joined. */
export interface IssueWorld {
  intake: TestIntake;
  signing: TestSigning;
  signingUrl: string;
  /** The relay intake calls signing through (`relay: true`). */
  relay: SigningRelay | undefined;
  /** The signer's personal key and the seals at signing. */
  keys: { personal: string; seal: string; foreignSeal: string };
  /** Stops signing's listener (connections cut): signing unreachable. */
  stopSigning(): Promise<void>;
  /** Listens again on the same port. */
  startSigning(): Promise<void>;
}

async function injectOk(signing: TestSigning, method: 'POST' | 'PUT', url: string, headers: object, body?: unknown) {
  const res = await signing.app.inject({
    method,
    url,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json<Record<string, unknown>>();
}

/** Enrols at signing the signer's personal key (recorded, asked, approved) and both offices' seals. */
async function enrolKeys(signing: TestSigning): Promise<IssueWorld['keys']> {
  await injectOk(signing, 'PUT', `/v1/offices/self/people/${encodeURIComponent('person:bi-thu-cm')}`, callers.admin, {
    name: 'Nguyễn Văn An',
    title: 'Bí thư Tỉnh ủy',
  });
  const asked = await injectOk(signing, 'POST', '/v1/keys', callers.signer, { pin, keyType: 'p-256' });
  await injectOk(signing, 'POST', `/v1/key-requests/${String(asked.id)}/approval`, callers.admin);
  const seal = await injectOk(signing, 'POST', '/v1/ca/seals', callers.admin, {});
  const foreignSeal = await injectOk(signing, 'POST', '/v1/ca/seals', callers.foreignAdmin, {});
  return { personal: String(asked.id), seal: String(seal.keyId), foreignSeal: String(foreignSeal.keyId) };
}

/** Enrols at signing the signer's personal key of `office` and, unless it has one, its seal. */
async function enrolOffice(signing: TestSigning, office: string, seal: boolean): Promise<void> {
  const who = callersOf(office);
  const short = office.replace(/^VPTU-/, '').toLowerCase();
  await injectOk(signing, 'PUT', `/v1/offices/self/people/${encodeURIComponent(`person:bi-thu-${short}`)}`, who.admin, {
    name: `Bí thư ${office}`,
    title: 'Bí thư',
  });
  const asked = await injectOk(signing, 'POST', '/v1/keys', who.signer, { pin, keyType: 'p-256' });
  await injectOk(signing, 'POST', `/v1/key-requests/${String(asked.id)}/approval`, who.admin);
  if (seal) await injectOk(signing, 'POST', '/v1/ca/seals', who.admin, {});
}

/** A TCP relay between intake and signing that the test can make hold new connections. */
export interface SigningRelay {
  url: string;
  /** Cuts the connections open now and keeps each new one waiting, unanswered. */
  hold(): void;
  /** Joins the waiting connections to signing, and every new one. */
  release(): void;
  /** How many connections wait. */
  waiting(): number;
  close(): Promise<void>;
}

/** A relay to `port` on 127.0.0.1 (intake's keep-alive connections are cut on `hold`, so every call is seen). */
async function relayTo(port: number): Promise<SigningRelay> {
  let holding = false;
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  const join = (socket: Socket) => {
    const upstream = connect(port, '127.0.0.1');
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  };
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (holding) waiting.push(socket);
    else join(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold() {
      holding = true;
      for (const socket of open) socket.destroy();
    },
    release() {
      holding = false;
      for (const socket of waiting.splice(0)) join(socket);
    },
    waiting: () => waiting.filter((s) => !s.destroyed).length,
    close: async () => {
      for (const socket of [...open, ...waiting]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How a world is made: where intake keeps objects, more offices, more environment for either service. */
export interface IssueWorldOptions {
  /** Intake calls signing through a relay the test can hold (`world.relay`). */
  relay?: boolean;
  objects?: TestObjects;
  /** Offices beside VPTU-CM with a signer (VPTU-BL, and those of `extraOffices`). */
  offices?: string[];
  signingEnv?: Record<string, string>;
  intakeEnv?: Record<string, string>;
}

/** A signing app listening on 127.0.0.1, an intake app that calls it, the directory and keys in place. */
export async function issueWorld(
  t: { teardown(fn: () => Promise<void> | void): void },
  options: IssueWorldOptions = {},
): Promise<IssueWorld> {
  const extra = options.offices ?? [];
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-issue-offices-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const officesFile = join(dir, 'offices.json');
  const signingOffices = [
    ...Object.values(testOffices),
    ...Object.entries(extraOffices)
      .filter(([code]) => !(code in testOffices))
      .map(([code, o]) => ({ code, name: o.name, unit: 'Văn phòng Tỉnh ủy' })),
  ];
  await writeFile(officesFile, JSON.stringify({ offices: signingOffices }));
  // The registry seals several documents at once in the concurrency tests: more uploads per caller.
  const signing = await signingForFile(t, {
    LIENTHONG_SIGNING_UPLOADS_PER_CALLER: '16',
    LIENTHONG_SIGNING_OFFICES_FILE: officesFile,
    ...options.signingEnv,
  });
  await signing.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = signing.app.server.address() as AddressInfo;
  const signingUrl = `http://127.0.0.1:${port}`;
  const relay = options.relay === true ? await relayTo(port) : undefined;
  if (relay !== undefined) t.teardown(() => relay.close());
  const intake = await intakeForFile(t, options.objects ?? 'folder', {
    LIENTHONG_INTAKE_SIGNING_URL: relay?.url ?? signingUrl,
    ...options.intakeEnv,
  });
  await seedDirectory(intake.pool, directoryWith(extra));
  const keys = await enrolKeys(signing);
  for (const office of extra) await enrolOffice(signing, office, office !== 'VPTU-BL');
  const server = signing.app.server;
  return {
    intake,
    signing,
    signingUrl,
    relay,
    keys,
    stopSigning: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
    startSigning: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
  };
}

/** Submits a directive of `office` (VPTU-CM) that its `person:bi-thu-…` signs; returns its id. */
export async function submitDocument(
  world: IssueWorld,
  extra: Record<string, unknown> = {},
  office = 'VPTU-CM',
): Promise<string> {
  const short = office.replace(/^VPTU-/, '').toLowerCase();
  const metadata = metadataOf({
    recipients: { offices: ['HU-CM1'] },
    signer: { person: `bi-thu-${short}`, authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
    ...extra,
  });
  const res = await submit(world.intake, submissionParts(metadata, await plainPdf()), callersOf(office).system);
  if (res.statusCode !== 201) throw new Error(`submit: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
}

/** `POST /v1/documents/{id}/signature` as `headers` with `pinValue` (null: no PIN header). */
export const signAs = (world: IssueWorld, id: string, headers: object, pinValue: string | null = pin) =>
  world.intake.app.inject({
    method: 'POST',
    url: `/v1/documents/${id}/signature`,
    headers: { ...headers, ...(pinValue === null ? {} : { 'lienthong-pin': pinValue }) },
  });

/** `POST /v1/documents/{id}/issue` as `headers`. */
export const issueAs = (world: IssueWorld, id: string, headers: object = callers.registry) =>
  world.intake.app.inject({ method: 'POST', url: `/v1/documents/${id}/issue`, headers: { ...headers } });

/** A document of `office` (VPTU-CM) submitted with `extra` metadata and signed by its signer; returns its id. */
export async function signedDocument(
  world: IssueWorld,
  extra: Record<string, unknown> = {},
  office = 'VPTU-CM',
): Promise<string> {
  const id = await submitDocument(world, extra, office);
  const res = await signAs(world, id, callersOf(office).signer);
  if (res.statusCode !== 200) throw new Error(`sign: ${res.statusCode} ${res.body}`);
  return id;
}

/** The PDF `version` of document `id` as the signer's office reads it. */
export async function contentOf(world: IssueWorld, id: string, version?: string): Promise<Buffer> {
  const res = await world.intake.app.inject({
    method: 'GET',
    url: `/v1/documents/${id}/content${version === undefined ? '' : `?version=${version}`}`,
    headers: callers.system,
  });
  if (res.statusCode !== 200) throw new Error(`content: ${res.statusCode} ${res.body}`);
  return res.rawPayload;
}

/** Everything signing or issuing may change, for "nothing changed" comparisons. */
export async function issueState(world: IssueWorld): Promise<string> {
  const { pool, store, bucket } = world.intake;
  const documents = await pool.query('SELECT id, state FROM document ORDER BY id');
  const transitions = await pool.query('SELECT count(*)::int AS n FROM document_transition');
  const files = await pool.query('SELECT document, version, sha256 FROM document_file ORDER BY document, version');
  const entries = await pool.query('SELECT series, period, number, state FROM register_entry ORDER BY 1, 2, 3');
  const counters = await pool.query('SELECT series, period, last_number FROM register_series ORDER BY 1, 2');
  const outbox = await pool.query("SELECT count(*)::int AS n FROM outbox WHERE topic = 'lienthong.document.issued.v1'");
  const objects = (await store.listVersions(bucket, '')).map((v) => `${v.key}@${v.versionId}`).sort();
  return JSON.stringify({
    documents: documents.rows,
    transitions: transitions.rows[0],
    files: files.rows,
    entries: entries.rows,
    counters: counters.rows,
    outbox: outbox.rows[0],
    objects,
  });
}
