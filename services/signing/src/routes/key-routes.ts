/**
 * Remote signing (ký số từ xa): a signer's own keys on the server. `POST /v1/keys` asks for a
 * new key that the local CA certifies once a CA administrator approves (key-request-routes.ts),
 * `POST /v1/keys/import` brings a PKCS#12 key and certificate of another CA that names the
 * caller as registered, `GET /v1/keys[/{id}]` lists what the caller may use,
 * `POST /v1/keys/{id}/signatures` signs a content digest (CAdES B-B or B-T) with the PIN,
 * `PUT /v1/keys/{id}/pin` changes it, `POST /v1/keys/{id}/unlock` (a CA administrator, for
 * someone else) gives a key locked by wrong PINs fresh attempts. Personal keys answer only
 * their owner (role `signer`), seal keys only the office's registry; the office's CA
 * administrators see every key of the office. Another office's keys do not exist for the caller.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { importPersonalKey, keyTypes } from '../keys/key-enrolment.ts';
import { requestPersonalKey } from '../keys/key-requests.ts';
import { listKeys, viewKey } from '../keys/key-listing.ts';
import { unlockKey } from '../keys/key-unlock.ts';
import { changePin } from '../keys/key-use.ts';
import { pinRules } from '../keys/pin.ts';
import { signDigestWithKey } from '../signing/digest-signing.ts';
import { KeyRequestSummary, toKeyRequestSummary } from './key-request-summary.ts';
import { KeySummary, toKeySummary } from './key-summary.ts';
import { Base64, problemResponse, unauthenticated } from './schemas.ts';

// A PIN to use may be one set before the PIN policy (six characters); a new PIN is checked
// against the policy by the service (PIN_POLICY_UNMET), after NFC.
const Pin = (description: string) =>
  Type.String({ minLength: pinRules.minLengthBefore, maxLength: pinRules.maxLength, description });
const NewPin = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4 * pinRules.maxLength,
    description: `${description}: ${pinRules.minLength} to ${pinRules.maxLength} characters after NFC, at least one not a digit`,
  });
const text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });
const Uuid = Type.Object({ id: Type.String({ format: 'uuid' }) });

const notFound = problemResponse('SIGNING_KEY_NOT_FOUND: no key with this id that the caller may use');
const forbidden = problemResponse('FORBIDDEN: the caller lacks the role');

/** Registers the key routes. */
export async function keyRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.addSchema(KeySummary);
  app.addSchema(KeyRequestSummary);

  app.post(
    '/v1/keys',
    {
      schema: {
        tags: ['remote signing'],
        summary: 'Ask for a new personal key: generated now under a PIN, certified once a CA administrator approves',
        description:
          "The certificate will name what the caller's office registered (its legal name, code and unit; the person's name and title), never anything sent here: the body holds only the key's PIN, type and validity. The key signs nothing until a CA administrator of the office who is not the caller approves the request (POST /v1/key-requests/{id}/approval); it then has the request's id.",
        body: Type.Object(
          {
            pin: NewPin('the PIN every use of the key will need'),
            keyType: Type.Union(
              Object.keys(keyTypes).map((k) => Type.Literal(k)),
              { default: 'rsa-2048' },
            ),
            validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 1825 })),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Ref(KeyRequestSummary),
          400: problemResponse(
            'VALIDATION_FAILED (also for any field naming someone: name, title, organisation, …) or PIN_POLICY_UNMET',
          ),
          401: unauthenticated,
          403: forbidden,
          409: problemResponse('OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED'),
        },
      },
    },
    async (request, reply) => {
      const filed = await requestPersonalKey(ca, principalOf(request), request.body);
      return reply.code(202).header('location', `/v1/key-requests/${filed.id}`).send(toKeyRequestSummary(filed));
    },
  );

  app.post(
    '/v1/keys/import',
    {
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['remote signing'],
        summary: 'Import a personal key and certificate from PKCS#12 (e.g. issued by another CA), protected by a PIN',
        description:
          'The certificate must name the caller as their office registered them (CN = the registered full name; the office by organizationIdentifier LT:VN-<code> or, without one, by O = its legal name; case, diacritics and spacing aside): 201 the key. Otherwise 422 CERTIFICATE_IDENTITY_MISMATCH, or with requestApproval 202 a key request that a CA administrator of the office who is not the caller decides.',
        body: Type.Object(
          {
            pkcs12: Base64('the PKCS#12 (PFX) file, RFC 7292', 4, 200_000),
            password: Type.String({ maxLength: 256, description: 'the PKCS#12 password' }),
            pin: NewPin('the PIN every use of the key will need'),
            requestApproval: Type.Optional(
              Type.Boolean({
                description: "when the certificate names someone else: ask a CA administrator's approval (202)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Ref(KeySummary),
          202: Type.Ref(KeyRequestSummary),
          400: problemResponse('VALIDATION_FAILED, PIN_POLICY_UNMET, PKCS12_UNREADABLE or CERTIFICATE_NOT_FOR_SIGNING'),
          401: unauthenticated,
          403: forbidden,
          409: problemResponse('OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED'),
          413: problemResponse('PAYLOAD_TOO_LARGE'),
          422: problemResponse('CERTIFICATE_IDENTITY_MISMATCH (mismatches)'),
        },
      },
    },
    async (request, reply) => {
      const outcome = await importPersonalKey(ca, principalOf(request), {
        pkcs12: Buffer.from(request.body.pkcs12, 'base64'),
        password: request.body.password,
        pin: request.body.pin,
        ...(request.body.requestApproval === undefined ? {} : { requestApproval: request.body.requestApproval }),
      });
      if ('request' in outcome)
        return reply
          .code(202)
          .header('location', `/v1/key-requests/${outcome.request.id}`)
          .send(toKeyRequestSummary(outcome.request));
      return reply.code(201).header('location', `/v1/keys/${outcome.key.id}`).send(toKeySummary(outcome.key));
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
          429: problemResponse('SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED (retryAfterSeconds): ten wrong PINs in 24 hours'),
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
        body: Type.Object(
          { pin: Pin('the current PIN'), newPin: NewPin('the new PIN') },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null(),
          400: problemResponse('VALIDATION_FAILED or PIN_POLICY_UNMET (the new PIN)'),
          401: unauthenticated,
          403: problemResponse('SIGNING_KEY_PIN_INCORRECT'),
          404: notFound,
          423: problemResponse('SIGNING_KEY_LOCKED'),
          429: problemResponse('SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED (retryAfterSeconds): ten wrong PINs in 24 hours'),
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
