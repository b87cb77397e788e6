/**
 * The first document of `npm start`: the demo directive signed through the running services
 * as the Party flow does it — the office's CA administrator records the Bí thư and approves
 * the key they ask for, the Bí thư signs with a personal key and PIN (certifying, so
 * the stamp and the seal stay permitted), the registry stamps number and date, then applies
 * the office seal (its red round seal image drawn in the seal field) with a time-stamp and
 * B-LTA. Done once per data folder; the signed PDF and its verification report are left in
 * <data>/demo for the newcomer to open.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stampPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { buildDemoDirective } from './demo-document.ts';
import { demoSealPng } from './demo-seal.ts';

/** The demo office as the signing service registers it (written to <data>/offices.json by npm start). */
export const demoOffice = { code: 'VPTU-DEMO', name: 'Tỉnh ủy Demo', unit: 'Văn phòng Tỉnh ủy' };

/** The demo signer as the office's CA administrator records them (the signer token's subject). */
export const demoSigner = { subject: 'person:bi-thu', name: 'Nguyễn Văn An', title: 'Bí thư Tỉnh ủy' };

/** Who the demo acts as (tokens from tokens.json) and where signing listens. */
export interface DemoContext {
  dataDir: string;
  signingUrl: string;
  tokens: Record<string, string>;
  /** The PIN of the demo signer's key. */
  pin: string;
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const pdf = (bytes: Uint8Array, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/pdf', ...headers },
  body: Buffer.from(bytes),
});

/** The first key of `purpose` the caller may use, enrolled by `enrol` when there is none. */
async function keyOf(
  ctx: DemoContext,
  token: string,
  purpose: 'personal' | 'seal',
  enrol: () => Promise<string>,
): Promise<string> {
  const { keys } = (await (await call(`${ctx.signingUrl}/v1/keys`, token)).json()) as {
    keys: Array<{ id: string; purpose: string; locked: boolean }>;
  };
  return keys.find((k) => k.purpose === purpose && !k.locked)?.id ?? enrol();
}

/** Signs the demo directive once; returns the lines to print (where it is, what verification said). */
export async function ensureDemoDocument(ctx: DemoContext): Promise<string[]> {
  const dir = join(ctx.dataDir, 'demo');
  const file = join(dir, 'chi-thi-01-CT-TU.pdf');
  // The unsigned draft, for the walkthrough's `lienthong doc submit`.
  const draft = join(dir, 'du-thao-chi-thi.pdf');
  await mkdir(dir, { recursive: true });
  if (!existsSync(draft)) await writeFile(draft, buildDemoDirective());
  if (existsSync(file)) return [`  first document: ${file}`, `  a draft to submit: ${draft}`];
  const { signer, registry } = ctx.tokens as { signer: string; registry: string; 'ca-admin': string };
  const base = ctx.signingUrl;
  const admin = ctx.tokens['ca-admin']!;
  // The CA certifies only registered people: the office's CA administrator records the Bí thư,
  // who asks for a key; the administrator (not the requester) approves it. Once intake's
  // directory (seeded just before) has reached signing, the directory registers its people
  // (the same Bí thư) and the administrator's record is refused: PEOPLE_FROM_DIRECTORY.
  const personal = await keyOf(ctx, signer, 'personal', async () => {
    const recorded = await fetch(`${base}/v1/offices/self/people/${encodeURIComponent(demoSigner.subject)}`, {
      ...json({ name: demoSigner.name, title: demoSigner.title }),
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    });
    const text = await recorded.text();
    if (!recorded.ok && !(recorded.status === 409 && text.includes('PEOPLE_FROM_DIRECTORY')))
      throw new Error(`PUT people: ${recorded.status} ${text}`);
    const asked = await call(`${base}/v1/keys`, signer, json({ pin: ctx.pin, keyType: 'rsa-2048' }));
    const { id } = (await asked.json()) as { id: string };
    await call(`${base}/v1/key-requests/${id}/approval`, admin, { method: 'POST' });
    return id;
  });
  // The seal names the administrator's registered office (the offices file of npm start).
  const seal = await keyOf(
    ctx,
    registry,
    'seal',
    async () => ((await (await call(`${base}/v1/ca/seals`, admin, json({}))).json()) as { keyId: string }).keyId,
  );
  await call(`${base}/v1/keys/${seal}/image`, registry, {
    method: 'PUT',
    headers: { 'content-type': 'image/png' },
    body: Buffer.from(demoSealPng()),
  });

  const block = ['T/M BAN THƯỜNG VỤ', 'BÍ THƯ', 'Nguyễn Văn An']
    .map((line) => `&line=${encodeURIComponent(line)}`)
    .join('');
  const signed = new Uint8Array(
    await (
      await call(
        `${base}/v1/keys/${personal}/pdf-signatures?allowStamp=true&level=B-T&reason=K%C3%BD%20ban%20h%C3%A0nh${block}&rect=330,320,560,410`,
        signer,
        pdf(buildDemoDirective(), { 'lienthong-pin': ctx.pin }),
      )
    ).arrayBuffer(),
  );
  const stamped = memorySink();
  const today = new Date();
  await stampPdf(memorySource(signed), stamped, {
    number: 'Số 01-CT/TU',
    date: `ngày ${today.getDate()} tháng ${today.getMonth() + 1} năm ${today.getFullYear()}`,
  });
  const sealed = new Uint8Array(
    await (
      await call(
        `${base}/v1/keys/${seal}/pdf-signatures?field=lienthong-seal&visible=true&level=B-LTA`,
        registry,
        pdf(stamped.bytes()),
      )
    ).arrayBuffer(),
  );
  const report = (await (await call(`${base}/v1/verify/pdf`, signer, pdf(sealed))).json()) as { indication: string };
  const { certificates } = (await (await call(`${base}/v1/ca/certificates`, signer)).json()) as {
    certificates: Array<{ id: string; role: string }>;
  };
  const rootPem = await (
    await call(`${base}/v1/ca/certificates/${certificates.find((c) => c.role === 'root')!.id}`, signer, {
      headers: { accept: 'application/x-pem-file' },
    })
  ).text();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'root.pem'), rootPem);
  await writeFile(join(dir, 'verification.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(file, sealed);
  return [
    `  first document: ${file}`,
    `    signed by the demo Bí thư (PIN ${ctx.pin}), stamped Số 01-CT/TU, sealed B-LTA; verification: ${report.indication} (demo/verification.json)`,
    `  a draft to submit: ${draft}`,
  ];
}

/** How long the demo waits for intake's directory to reach signing before giving up on a seal. */
const registrationWaitMs = 20_000;

/**
 * A seal for every office of the demo directory but the demo office (which has its own,
 * with its image, from {@link ensureDemoDocument}): each office's CA administrator asks for
 * one, once. The seals sign the evidence of delivery — each recipient office's answers are
 * sealed by that office. An office reaches signing through intake's directory a moment after
 * the directory is seeded, so `OFFICE_NOT_REGISTERED` is waited out (up to 20 s in all).
 * Returns the line to print.
 */
export async function ensureDemoSeals(
  signingUrl: string,
  callers: ReadonlyArray<{ office: string; role: string; token: string }>,
): Promise<string> {
  const byOffice = new Map<string, Record<string, string>>();
  for (const c of callers) byOffice.set(c.office, { ...byOffice.get(c.office), [c.role]: c.token });
  const deadline = Date.now() + registrationWaitMs;
  let made = 0;
  let offices = 0;
  const waiting: string[] = [];
  for (const [office, tokens] of byOffice) {
    if (office === demoOffice.code || tokens.registry === undefined || tokens['ca-admin'] === undefined) continue;
    offices++;
    const { keys } = (await (await call(`${signingUrl}/v1/keys`, tokens.registry)).json()) as {
      keys: Array<{ purpose: string }>;
    };
    if (keys.some((k) => k.purpose === 'seal')) continue;
    for (;;) {
      const asked = await fetch(`${signingUrl}/v1/ca/seals`, {
        ...json({}),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens['ca-admin']}` },
      });
      const text = await asked.text();
      if (asked.ok) {
        made++;
        break;
      }
      if (!text.includes('OFFICE_NOT_REGISTERED') || Date.now() > deadline) {
        waiting.push(office);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const note = waiting.length === 0 ? '' : `; none yet for ${waiting.join(', ')} (start again to retry)`;
  return `  seals: ${offices - waiting.length} of ${offices} recipient offices have a seal for delivery evidence (${made} made now)${note}`;
}
