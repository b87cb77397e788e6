/**
 * Remote signing (ký số từ xa): a signer's own keys on the server. `POST /v1/keys` enrols a
 * new key certified by the local CA, `POST /v1/keys/import` brings a PKCS#12 key and
 * certificate of another CA, `GET /v1/keys[/{id}]` lists what the caller may use,
 * `POST /v1/keys/{id}/signatures` signs a content digest (CAdES B-B or B-T) with the PIN,
 * `PUT /v1/keys/{id}/pin` changes it, `POST /v1/keys/{id}/unlock` (a CA administrator, for
 * someone else) gives a key locked by wrong PINs fresh attempts. Personal keys answer only
 * their owner (role `signer`), seal keys only the office's registry; the office's CA
 * administrators see every key of the office. Another office's keys do not exist for the caller.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { enrolPersonalKey, importPersonalKey, keyTypes } from '../keys/key-enrolment.ts';
import { listKeys, viewKey } from '../keys/key-listing.ts';
import { unlockKey } from '../keys/key-unlock.ts';
import { changePin } from '../keys/key-use.ts';
import { pinRules } from '../keys/pin.ts';
import { signDigestWithKey } from '../signing/digest-signing.ts';
import { KeySummary, toKeySummary } from './key-summary.ts';
import { Base64, problemResponse, unauthenticated } from './schemas.ts';

const Pin = (description: string) =>
  Type.String({ minLength: pinRules.minLength, maxLength: pinRules.maxLength, description });
const text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });
const Uuid = Type.Object({ id: Type.String({ format: 'uuid' }) });

const notFound = problemResponse('SIGNING_KEY_NOT_FOUND: no key with this id that the caller may use');
const forbidden = problemResponse('FORBIDDEN: the caller lacks the role');

/** Registers the key routes. */
export async function keyRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.addSchema(KeySummary);

  app.post(
    '/v1/keys',
    {
      schema: {
        tags: ['remote signing'],
        summary: 'Enrol a new personal key, certified by the local CA and protected by a PIN',
        body: Type.Object(
          {
            pin: Pin('the PIN every use of the key will need'),
            keyType: Type.Union(
              Object.keys(keyTypes).map((k) => Type.Literal(k)),
              { default: 'rsa-2048' },
            ),
            name: Type.Optional(text(200, "the signer's full name (CN); default: the token's name")),
            title: text(200, 'title (chức vụ), e.g. Phó Bí thư Tỉnh ủy'),
            organisation: text(200, 'the Party committee (O), e.g. Tỉnh ủy Cà Mau'),
            officeName: text(200, 'the office or unit (OU), e.g. Văn phòng Tỉnh ủy'),
            validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 1825 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Ref(KeySummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const key = await enrolPersonalKey(ca, principalOf(request), request.body);
      return reply.code(201).header('location', `/v1/keys/${key.id}`).send(toKeySummary(key));
    },
  );

  app.post(
    '/v1/keys/import',
    {
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['remote signing'],
        summary: 'Import a personal key and certificate from PKCS#12 (e.g. issued by another CA), protected by a PIN',
        body: Type.Object(
          {
            pkcs12: Base64('the PKCS#12 (PFX) file, RFC 7292', 4, 200_000),
            password: Type.String({ maxLength: 256, description: 'the PKCS#12 password' }),
            pin: Pin('the PIN every use of the key will need'),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Ref(KeySummary),
          400: problemResponse('VALIDATION_FAILED, PKCS12_UNREADABLE or CERTIFICATE_NOT_FOR_SIGNING'),
          401: unauthenticated,
          403: forbidden,
          413: problemResponse('PAYLOAD_TOO_LARGE'),
        },
      },
    },
    async (request, reply) => {
      const key = await importPersonalKey(
        ca,
        principalOf(request),
        Buffer.from(request.body.pkcs12, 'base64'),
        request.body.password,
        request.body.pin,
      );
      return reply.code(201).header('location', `/v1/keys/${key.id}`).send(toKeySummary(key));
    },
  );

  app.get(
    '/v1/keys',
    {
      schema: {
        tags: ['remote signing'],
        summary:
          "The keys the caller may use (their own, and the office's seals for the registry); every key of the office for its CA administrators",
        response: { 200: Type.Object({ keys: Type.Array(Type.Ref(KeySummary)) }), 401: unauthenticated },
      },
    },
    async (request) => ({ keys: (await listKeys(ca, principalOf(request))).map(toKeySummary) }),
  );

  app.get(
    '/v1/keys/:id',
    {
      schema: {
        tags: ['remote signing'],
        summary: 'One key the caller may use (any key of the office for its CA administrators)',
        params: Uuid,
        response: {
          200: Type.Ref(KeySummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          404: notFound,
        },
      },
    },
    async (request) => toKeySummary(await viewKey(ca, principalOf(request), request.params.id)),
  );

  app.post(
    '/v1/keys/:id/signatures',
    {
      schema: {
        tags: ['remote signing'],
        summary: "Sign a content digest with a key: a detached CAdES signature (B-B, or B-T with this service's TSA)",
        params: Uuid,
        body: Type.Object(
          {
            pin: Type.Optional(Pin("the key's PIN (personal keys)")),
            digest: Base64('the digest of the content to sign', 4, 100),
            digestAlgorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha384'), Type.Literal('sha512')], {
              default: 'sha256',
            }),
            level: Type.Union([Type.Literal('B-B'), Type.Literal('B-T')], { default: 'B-B' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            signature: Type.String({ contentEncoding: 'base64', description: 'CMS SignedData, DER (detached)' }),
            level: Type.String(),
          }),
          400: problemResponse('VALIDATION_FAILED or DIGEST_ALGORITHM_UNSUITABLE'),
          401: unauthenticated,
          403: problemResponse('SIGNING_KEY_PIN_INCORRECT (attemptsLeft)'),
          404: notFound,
          409: problemResponse('SIGNING_KEY_NOT_USABLE: certificate expired or revoked'),
          423: problemResponse('SIGNING_KEY_LOCKED'),
        },
      },
    },
    async (request, reply) => {
      const { digestAlgorithm, level } = request.body;
      const signature = await signDigestWithKey(ca, principalOf(request), {
        keyId: request.params.id,
        digest: Buffer.from(request.body.digest, 'base64'),
        digestAlgorithm,
        level,
        ...(request.body.pin === undefined ? {} : { pin: request.body.pin }),
      });
      return reply.code(201).send({ signature: Buffer.from(signature).toString('base64'), level });
    },
  );

  app.put(
    '/v1/keys/:id/pin',
    {
      schema: {
        tags: ['remote signing'],
        summary: "Change the PIN of the caller's personal key",
        params: Uuid,
        body: Type.Object({ pin: Pin('the current PIN'), newPin: Pin('the new PIN') }, { additionalProperties: false }),
        response: {
          204: Type.Null(),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: problemResponse('SIGNING_KEY_PIN_INCORRECT'),
          404: notFound,
          423: problemResponse('SIGNING_KEY_LOCKED'),
        },
      },
    },
    async (request, reply) => {
      await changePin(ca, principalOf(request), request.params.id, request.body.pin, request.body.newPin);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/keys/:id/unlock',
    {
      schema: {
        tags: ['remote signing'],
        summary: 'Unlock a personal key locked by wrong PINs (a CA administrator of the office, not for their own key)',
        description:
          'The PIN still protects the key: the owner gets fresh attempts, nothing else changes. The reason goes to the signing log.',
        params: Uuid,
        body: Type.Object(
          { reason: text(500, 'why the key is unlocked, e.g. the owner confirmed in person that they mistyped') },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Ref(KeySummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN (not a ca-admin) or SIGNING_KEY_UNLOCK_REFUSED (their own key, or a seal)'),
          404: notFound,
          409: problemResponse('SIGNING_KEY_NOT_LOCKED'),
        },
      },
    },
    async (request) => toKeySummary(await unlockKey(ca, principalOf(request), request.params.id, request.body.reason)),
  );
}
