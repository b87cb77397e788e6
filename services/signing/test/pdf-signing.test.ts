/**
 * PDFs signed by the service: the signer's key with its PIN (the Party flow's first
 * signature), the stamp, then the office seal by the registry. Judged by pyHanko and pdfsig.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { readPdfSignatures, stampPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { pdfsig, pyhankoValidate, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';
import { partyFlowSetup } from './party-flow-setup.ts';

const { app, pool, s, signer, registry, pin, keyId, sealKeyId, rootPem, original } = await partyFlowSetup(t);

const signPdf = (id: string, headers: Record<string, string>, body: Buffer, query = '') =>
  app.inject({
    method: 'POST',
    url: `/v1/keys/${id}/pdf-signatures${query}`,
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: body,
  });

void t.test(
  'the Party flow through the service: signer (PIN), stamp, seal (registry, B-LTA); pyHanko and pdfsig agree',
  async (t) => {
    const block = ['K/T BÍ THƯ', 'PHÓ BÍ THƯ', 'Nguyễn Thị Hồng Nhung']
      .map((line) => `&line=${encodeURIComponent(line)}`)
      .join('');
    const first = await signPdf(
      keyId,
      { ...signer, 'lienthong-pin': pin },
      original,
      `?allowStamp=true&level=B-T&reason=K%C3%BD%20ban%20h%C3%A0nh${block}&rect=330,60,560,150`,
    );
    t.equal(first.statusCode, 200, first.body.slice(0, 300));
    t.equal(first.headers['content-type'], 'application/pdf');
    const signed = first.rawPayload;
    t.ok(signed.subarray(0, original.length).equals(original), 'the original bytes are kept: an incremental update');

    const stamped = memorySink();
    await stampPdf(memorySource(signed), stamped, {
      number: 'Số 138-CV/VPTU',
      date: 'Cà Mau, ngày 23 tháng 11 năm 2026',
    });
    const sealed = await signPdf(
      sealKeyId,
      registry,
      Buffer.from(stamped.bytes()),
      '?field=lienthong-seal&level=B-LTA',
    );
    t.equal(sealed.statusCode, 200, sealed.body.slice(0, 300));
    const file = join(s.dir, 'party.pdf');
    writeFileSync(file, sealed.rawPayload);
    t.match(
      Buffer.from(signed).toString('latin1'),
      /\/Rect \[330 60 560 150\]/,
      'the visible signature block sits where it was asked',
    );

    const signatures = await readPdfSignatures(memorySource(new Uint8Array(sealed.rawPayload)));
    t.equal(signatures.length, 3, 'signer, seal, document time-stamp');

    const verify = (body: Buffer) =>
      app.inject({
        method: 'POST',
        url: '/v1/verify/pdf',
        headers: { ...signer, 'content-type': 'application/pdf' },
        payload: body,
      });
    const report = (await verify(sealed.rawPayload)).json<{
      indication: string;
      signatures: Array<{
        field: string;
        kind: string;
        indication: string;
        level?: string;
        modification: string;
        coverage: { wholeFile: boolean };
      }>;
    }>();
    t.equal(report.indication, 'TOTAL_PASSED', JSON.stringify(report).slice(0, 600));
    t.match(
      report.signatures[0],
      { indication: 'TOTAL_PASSED', modification: 'PERMITTED', coverage: { wholeFile: false } },
      'signature 1: only permitted changes after it',
    );
    t.match(
      report.signatures[1],
      { field: 'lienthong-seal', indication: 'TOTAL_PASSED', level: 'B-LTA' },
      'the seal reaches B-LTA',
    );
    const tampered = Buffer.concat([sealed.rawPayload, Buffer.from('\n% appended after the last signature\n')]);
    const after = (await verify(tampered)).json<{ indication: string }>();
    t.not(after.indication, 'TOTAL_PASSED', 'bytes appended after the signatures are not accepted');
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/verify/pdf',
          headers: { 'content-type': 'application/pdf' },
          payload: sealed.rawPayload,
        })
      ).statusCode,
      401,
    );
    const garbage = (await verify(Buffer.from('%PDF-1.7 nothing else'))).json<{
      indication: string;
      subIndication: string;
    }>();
    t.match(
      garbage,
      { indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' },
      'an unreadable file is a report, not an error',
    );
    const skip = skipUnless('pyhanko', 'pdfsig', 'qpdf');
    if (skip !== false) {
      t.comment(`outside judges skipped: ${skip}`);
      return;
    }
    const verdict = await pyhankoValidate(file, { trust: rootPem });
    t.equal(
      verdict.signatures.length,
      2,
      `pyHanko lists the two signatures (the document time-stamp apart): ${verdict.output}`,
    );
    const [first1, sealSig] = verdict.signatures;
    t.match(
      first1,
      { intact: true, trusted: true, modificationsOk: true, coverage: 'ENTIRE_REVISION' },
      `signature 1: ${first1?.summary}`,
    );
    t.match(
      first1?.modificationLevel,
      /FORM_FILLING|LTA_UPDATES/,
      'only the stamp, the seal and LTA updates came after it',
    );
    t.match(sealSig, { intact: true, trusted: true }, `seal: ${sealSig?.summary}`);
    const poppler = await pdfsig(file);
    const cms = poppler.signatures.filter((sig) => sig.signatureType === 'ETSI.CAdES.detached');
    t.equal(cms.length, 2);
    t.ok(
      cms.every((sig) => sig.valid),
      poppler.output,
    );
    t.ok(
      poppler.signatures.at(-1)?.totalDocumentSigned,
      'the last revision (the document time-stamp) covers the whole file',
    );
    t.ok((await qpdfCheck(file)).ok);
    const { rows } = await pool.query<{ detail: string }>(
      "SELECT detail FROM signing_log WHERE key_id = $1 AND action = 'sign'",
      [keyId],
    );
    t.same(
      rows.map((r) => r.detail),
      ['pdf B-T'],
      'the use is logged',
    );
  },
);

void t.test('a signed PDF is raised to B-LTA later, and re-timestamped, earlier revisions untouched', async (t) => {
  const signed = (await signPdf(sealKeyId, registry, original, '?level=B-T')).rawPayload;
  const extend = (body: Buffer, query = '') =>
    app.inject({
      method: 'POST',
      url: `/v1/pdf-extensions${query}`,
      headers: { ...registry, 'content-type': 'application/pdf' },
      payload: body,
    });
  const lta = await extend(signed);
  t.equal(lta.statusCode, 200, lta.body.slice(0, 200));
  t.ok(lta.rawPayload.subarray(0, signed.length).equals(signed), 'appended only');
  const again = await extend(lta.rawPayload);
  t.equal(again.statusCode, 200, 're-timestamping an LTA document');
  const verify = async (body: Buffer) =>
    (
      await app.inject({
        method: 'POST',
        url: '/v1/verify/pdf',
        headers: { ...registry, 'content-type': 'application/pdf' },
        payload: body,
      })
    ).json<{ indication: string; signatures: Array<{ kind: string; level?: string }> }>();
  const report = await verify(again.rawPayload);
  t.equal(report.indication, 'TOTAL_PASSED');
  t.equal(report.signatures[0]?.level, 'B-LTA');
  t.equal(report.signatures.filter((sig) => sig.kind === 'document-timestamp').length, 2, 'two document time-stamps');
  const lt = await extend(signed, '?level=B-LT');
  t.equal((await verify(lt.rawPayload)).signatures[0]?.level, 'B-LT');
  const unsigned = await extend(original);
  t.equal(unsigned.statusCode, 400);
  t.match(unsigned.json(), { code: 'PDF_UNREADABLE', detail: /no signature/ });
  t.equal((await extend(Buffer.from('garbage'))).statusCode, 400);
  t.equal((await extend(signed, '?level=B-B')).statusCode, 400);
});

void t.test('bad PDF requests: a clear 4xx, no signature, no state change', async (t) => {
  const count = async () =>
    Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM signing_log WHERE action = 'sign'")).rows[0]!.n);
  const before = await count();
  const cases: [string, () => ReturnType<typeof signPdf>, number, string][] = [
    [
      'not a PDF',
      () => signPdf(sealKeyId, registry, Buffer.from('hello, this is not a PDF at all')),
      400,
      'PDF_UNREADABLE',
    ],
    [
      'a truncated PDF',
      () => signPdf(sealKeyId, registry, original.subarray(0, original.length / 2)),
      400,
      'PDF_UNREADABLE',
    ],
    ['an empty body', () => signPdf(sealKeyId, registry, Buffer.alloc(0)), 400, 'BAD_REQUEST'],
    [
      'JSON instead of a PDF',
      () =>
        app.inject({
          method: 'POST',
          url: `/v1/keys/${sealKeyId}/pdf-signatures`,
          headers: registry,
          payload: { pdf: 'x' },
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an unknown level', () => signPdf(sealKeyId, registry, original, '?level=B-X'), 400, 'VALIDATION_FAILED'],
    [
      'an unknown query parameter',
      () => signPdf(sealKeyId, registry, original, '?colour=red'),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a field name with a period',
      () => signPdf(sealKeyId, registry, original, '?field=a.b'),
      400,
      'VALIDATION_FAILED',
    ],
    [
      'an upside-down rect',
      () => signPdf(sealKeyId, registry, original, '?line=x&rect=500,100,100,50'),
      400,
      'VALIDATION_FAILED',
    ],
    ['a malformed rect', () => signPdf(sealKeyId, registry, original, '?line=x&rect=1,2,3'), 400, 'VALIDATION_FAILED'],
    ['seven lines', () => signPdf(sealKeyId, registry, original, `?${'line=x&'.repeat(7)}`), 400, 'VALIDATION_FAILED'],
    [
      'a body announced as 300 MiB',
      () =>
        app.inject({
          method: 'POST',
          url: `/v1/keys/${sealKeyId}/pdf-signatures`,
          headers: { ...registry, 'content-type': 'application/pdf', 'content-length': String(300 * 1024 * 1024) },
          payload: original,
        }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['no token', () => signPdf(sealKeyId, {}, original), 401, 'UNAUTHENTICATED'],
    [
      'a signer on the seal',
      () => signPdf(sealKeyId, { ...signer, 'lienthong-pin': pin }, original),
      404,
      'SIGNING_KEY_NOT_FOUND',
    ],
    [
      'a wrong PIN',
      () => signPdf(keyId, { ...signer, 'lienthong-pin': '000000' }, original),
      403,
      'SIGNING_KEY_PIN_INCORRECT',
    ],
  ];
  for (const [name, call, status, code] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 200)}`);
    t.equal(res.json<{ code: string }>().code, code, name);
  }
  // Only the unreadable PDFs got as far as a use of the seal key (logged before signing).
  t.ok((await count()) - before <= 2, 'no other use was recorded');
  await pool.query('UPDATE signing_key SET failed_pin_attempts = 0 WHERE id = $1', [keyId]);
});
