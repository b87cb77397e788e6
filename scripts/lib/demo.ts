/**
 * The first document of `npm start`: the demo directive signed through the running services
 * as the Party flow does it — the Bí thư signs with a personal key and PIN (certifying, so
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
  if (existsSync(file)) return [`  first document: ${file}`];
  const { signer, registry } = ctx.tokens as { signer: string; registry: string; 'ca-admin': string };
  const base = ctx.signingUrl;
  const personal = await keyOf(
    ctx,
    signer,
    'personal',
    async () =>
      (
        (await (
          await call(
            `${base}/v1/keys`,
            signer,
            json({
              pin: ctx.pin,
              keyType: 'rsa-2048',
              title: 'Bí thư Tỉnh ủy',
              organisation: 'Tỉnh ủy Demo',
              officeName: 'Văn phòng Tỉnh ủy',
            }),
          )
        ).json()) as { id: string }
      ).id,
  );
  const seal = await keyOf(
    ctx,
    registry,
    'seal',
    async () =>
      (
        (await (
          await call(
            `${base}/v1/ca/seals`,
            ctx.tokens['ca-admin']!,
            json({
              organisation: 'Tỉnh ủy Demo',
              office: 'Văn phòng Tỉnh ủy',
            }),
          )
        ).json()) as { keyId: string }
      ).keyId,
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
  ];
}
