/**
 * The appearance image of a key through `/v1/keys/{id}/image`: set, read back and removed by
 * those who may (a personal key's owner; a seal's registry or CA administrator), announced in
 * the key summaries, logged without its bytes; and every hostile request refused with a
 * problem+json 4xx that leaves the key row and the signing log as they were.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { enrolKey, testPin } from './enrolment.ts';
import { announcedPng, greyJpeg, sealPng, signaturePng, widePng } from './image-fixtures.ts';
import { signingForFile } from './support.ts';

const signing = await signingForFile(t);
const { app, pool } = signing;

const signer = authHeader({
  subject: 'person:nhung',
  office: 'VPTU-CM',
  roles: ['signer'],
  name: 'Nguyễn Thị Hồng Nhung',
});
const otherSigner = authHeader({ subject: 'person:hai', office: 'VPTU-CM', roles: ['signer'], name: 'Trần Văn Hải' });
const registry = authHeader({ subject: 'person:van-thu', office: 'VPTU-CM', roles: ['registry'] });
const admin = authHeader({ subject: 'person:admin', office: 'VPTU-CM', roles: ['ca-admin'] });
const strangerAdmin = authHeader({
  subject: 'person:admin',
  office: 'VPTU-BL',
  roles: ['ca-admin', 'registry', 'signer'],
});

const keyId = (
  await enrolKey<{ id: string }>(
    app,
    { subject: 'person:nhung', office: 'VPTU-CM', name: 'Nguyễn Thị Hồng Nhung' },
    { pin: testPin },
  )
).id;
const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
const sealKeyId = seal.json<{ keyId: string }>().keyId;

const put = (id: string, headers: Record<string, string>, body: Uint8Array | string, type = 'image/png') =>
  app.inject({
    method: 'PUT',
    url: `/v1/keys/${id}/image`,
    headers: { ...headers, 'content-type': type },
    payload: Buffer.from(body),
  });
const get = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: `/v1/keys/${id}/image`, headers });
const del = (id: string, headers: Record<string, string>) =>
  app.inject({ method: 'DELETE', url: `/v1/keys/${id}/image`, headers });
const summary = async (id: string, headers: Record<string, string>) =>
  (await app.inject({ method: 'GET', url: `/v1/keys/${id}`, headers })).json<{ imageType: string | null }>();
const logOf = async (id: string) =>
  (
    await pool.query<{ action: string; subject: string; digest: string | null; detail: string | null }>(
      "SELECT action, subject, digest, detail FROM signing_log WHERE key_id = $1 AND action LIKE 'image-%' ORDER BY id",
      [id],
    )
  ).rows;

void t.test(
  "a personal key's image: set, read back, replaced and removed by its owner; the summaries say which",
  async (t) => {
    t.equal((await summary(keyId, signer)).imageType, null, 'no image at first');
    t.match((await get(keyId, signer)).json(), { status: 404, code: 'SIGNING_KEY_IMAGE_NOT_FOUND' });
    const png = signaturePng();
    const set = await put(keyId, signer, png);
    t.equal(set.statusCode, 204, set.body);
    const back = await get(keyId, signer);
    t.equal(back.statusCode, 200);
    t.equal(back.headers['content-type'], 'image/png');
    t.ok(back.rawPayload.equals(Buffer.from(png)), 'the same bytes come back');
    t.equal((await summary(keyId, signer)).imageType, 'image/png');
    const listed = (await app.inject({ method: 'GET', url: '/v1/keys', headers: signer })).json<{
      keys: Array<{ id: string; imageType: string | null }>;
    }>().keys;
    t.same(
      listed.map((k) => [k.id, k.imageType]),
      [[keyId, 'image/png']],
      'GET /v1/keys says so too',
    );

    const jpeg = greyJpeg();
    t.equal(
      (await put(keyId, signer, jpeg, 'image/jpeg; charset=binary')).statusCode,
      204,
      'a JPEG replaces it (media type parameters ignored)',
    );
    const jpegBack = await get(keyId, signer);
    t.equal(jpegBack.headers['content-type'], 'image/jpeg');
    t.ok(jpegBack.rawPayload.equals(Buffer.from(jpeg)));
    t.equal((await summary(keyId, signer)).imageType, 'image/jpeg');

    t.equal((await del(keyId, signer)).statusCode, 204);
    t.equal((await get(keyId, signer)).statusCode, 404);
    t.equal((await summary(keyId, signer)).imageType, null);
    t.equal((await del(keyId, signer)).statusCode, 204, 'removing no image is no error');

    const log = await logOf(keyId);
    t.same(
      log.map((l) => l.action),
      ['image-set', 'image-set', 'image-remove'],
      'each change is logged once',
    );
    t.equal(log[0]!.digest, createHash('sha256').update(png).digest('hex'), "with the image's SHA-256");
    t.match(log[0]!.detail, /^image\/png 160x60, \d+ bytes$/, 'and its kind and size, never its bytes');
    t.equal(log[0]!.subject, 'person:nhung');
  },
);

void t.test("a seal's image is managed by the office's CA administrator and registry", async (t) => {
  const png = sealPng(200);
  t.equal((await put(sealKeyId, admin, png)).statusCode, 204, 'ca-admin sets it');
  const back = await get(sealKeyId, registry);
  t.equal(back.statusCode, 200, 'the registry reads it');
  t.ok(back.rawPayload.equals(Buffer.from(png)));
  t.equal((await summary(sealKeyId, registry)).imageType, 'image/png');
  t.equal((await del(sealKeyId, registry)).statusCode, 204, 'the registry removes it');
  t.equal((await put(sealKeyId, registry, png)).statusCode, 204, 'and sets it again');
  t.equal((await get(sealKeyId, admin)).statusCode, 200, 'ca-admin reads it');
  t.same(
    (await logOf(sealKeyId)).map((l) => [l.action, l.subject]),
    [
      ['image-set', 'person:admin'],
      ['image-remove', 'person:van-thu'],
      ['image-set', 'person:van-thu'],
    ],
  );
});

void t.test('hostile image requests: a problem+json 4xx, the key row and the log unchanged', async (t) => {
  t.equal((await put(sealKeyId, admin, sealPng(64))).statusCode, 204);
  t.equal((await put(keyId, signer, signaturePng())).statusCode, 204);
  const state = async () =>
    (
      await pool.query<{ id: string; image: Buffer | null; image_type: string | null }>(
        'SELECT id, image, image_type FROM signing_key ORDER BY id',
      )
    ).rows.map((r) => [
      r.id,
      r.image_type,
      r.image === null ? null : createHash('sha256').update(r.image).digest('hex'),
    ]);
  const logCount = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM signing_log')).rows[0]!.n);
  const before = await state();
  const logged = await logCount();
  const png = Buffer.from(sealPng(64));
  const cases: Array<[string, () => ReturnType<typeof put>, number, string, Record<string, unknown>?]> = [
    [
      'garbage bytes',
      () => put(sealKeyId, admin, 'this is not an image, only words'),
      400,
      'IMAGE_UNREADABLE',
      { imageError: 'IMAGE_MALFORMED' },
    ],
    [
      'a truncated PNG',
      () => put(sealKeyId, admin, png.subarray(0, png.length - 30)),
      400,
      'IMAGE_UNREADABLE',
      { imageError: 'IMAGE_MALFORMED' },
    ],
    [
      'a PNG with a flipped byte (CRC)',
      () =>
        put(sealKeyId, admin, Buffer.concat([png.subarray(0, 40), Buffer.from([png[40]! ^ 0xff]), png.subarray(41)])),
      400,
      'IMAGE_UNREADABLE',
    ],
    [
      'a PNG announcing 100000x100000 pixels',
      () => put(sealKeyId, admin, announcedPng(100_000, 100_000)),
      400,
      'IMAGE_UNREADABLE',
      { imageError: 'IMAGE_UNSUPPORTED', detail: /100000x100000/ },
    ],
    [
      'a real PNG of 3000x2000 pixels',
      () => put(sealKeyId, admin, widePng(3000, 2000)),
      400,
      'IMAGE_UNREADABLE',
      { imageError: 'IMAGE_UNSUPPORTED', detail: /3000x2000/ },
    ],
    [
      'a JPEG header only',
      () => put(sealKeyId, admin, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]), 'image/jpeg'),
      400,
      'IMAGE_UNREADABLE',
    ],
    ['a PNG announced as a JPEG', () => put(sealKeyId, admin, png, 'image/jpeg'), 400, 'IMAGE_UNREADABLE'],
    ['a JPEG announced as a PNG', () => put(sealKeyId, admin, greyJpeg(), 'image/png'), 400, 'IMAGE_UNREADABLE'],
    ['an empty body', () => put(sealKeyId, admin, ''), 400, 'BAD_REQUEST'],
    ['a GIF', () => put(sealKeyId, admin, 'GIF89a', 'image/gif'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'JSON',
      () => app.inject({ method: 'PUT', url: `/v1/keys/${sealKeyId}/image`, headers: admin, payload: { image: 'x' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'no media type',
      () => app.inject({ method: 'PUT', url: `/v1/keys/${sealKeyId}/image`, headers: admin, payload: png }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      '600 KiB',
      () => put(sealKeyId, admin, Buffer.concat([png, Buffer.alloc(600 * 1024 - png.length)])),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['no token', () => put(sealKeyId, {}, png), 401, 'UNAUTHENTICATED'],
    ['a malformed key id', () => put('not-a-uuid', admin, png), 400, 'VALIDATION_FAILED'],
    ['an unknown key', () => put('00000000-0000-4000-8000-000000000000', admin, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    ["another office's credential on the seal", () => put(sealKeyId, strangerAdmin, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    [
      "another office's credential on the personal key",
      () => put(keyId, strangerAdmin, png),
      404,
      'SIGNING_KEY_NOT_FOUND',
    ],
    [
      'another office, garbage bytes (not found before unreadable)',
      () => put(sealKeyId, strangerAdmin, 'garbage'),
      404,
      'SIGNING_KEY_NOT_FOUND',
    ],
    ['a signer who does not own the key', () => put(keyId, otherSigner, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['a registry user on a personal key', () => put(keyId, registry, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['a ca-admin on a personal key', () => put(keyId, admin, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['a signer on the seal', () => put(sealKeyId, signer, png), 404, 'SIGNING_KEY_NOT_FOUND'],
    ["another office reads the seal's image", () => get(sealKeyId, strangerAdmin), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['another signer reads the personal image', () => get(keyId, otherSigner), 404, 'SIGNING_KEY_NOT_FOUND'],
    ["another office removes the seal's image", () => del(sealKeyId, strangerAdmin), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['the registry removes a personal image', () => del(keyId, registry), 404, 'SIGNING_KEY_NOT_FOUND'],
    ['no token removes', () => del(keyId, {}), 401, 'UNAUTHENTICATED'],
  ];
  for (const [name, call, status, code, extra] of cases) {
    const res = await call();
    t.equal(res.statusCode, status, `${name}: ${res.body.slice(0, 300)}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
    t.match(res.json(), { status, code, ...extra }, name);
  }
  t.same(await state(), before, 'no key row changed');
  t.equal(await logCount(), logged, 'nothing was logged');
});

void t.test(
  '/docs describes the image routes, their bodies and errors, and imageType in the key summary',
  async (t) => {
    type Operation = {
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    const image = doc.paths['/v1/keys/{id}/image'];
    t.same(Object.keys(image?.put?.requestBody?.content ?? {}).sort(), ['image/jpeg', 'image/png']);
    t.match(image?.put?.responses, { 204: {}, 400: {}, 401: {}, 404: {}, 413: {}, 415: {} });
    t.same(Object.keys(image?.get?.responses[200]?.content ?? {}).sort(), ['image/jpeg', 'image/png']);
    t.match(image?.delete?.responses, { 204: {}, 404: {} });
    t.ok(doc.components.schemas.SigningKey?.properties.imageType, 'SigningKey.imageType');
    t.ok(
      JSON.stringify(doc.paths['/v1/keys/{id}/pdf-signatures']?.post).includes('"visible"'),
      'the visible query parameter',
    );
  },
);
