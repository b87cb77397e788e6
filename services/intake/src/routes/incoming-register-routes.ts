/**
 * The incoming register over HTTP: `POST /v1/registers/incoming`, what delivery calls (with
 * the receiving office's own token) when a recipient accepts a document. The office is the
 * token's, never the body's; the same document registered again by the same office keeps
 * its first number (`registerIncoming`), so a retry after a crash gets the same number.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError, principalOf, roles, Type } from '@lienthong/service';
import type { Principal, ServiceApp } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { findOffice } from '../directory/office-repository.ts';
import { intakeErrors } from '../errors.ts';
import { registerIncoming } from '../registers/incoming-register.ts';
import type { RegisterEntry } from '../registers/register-entry.ts';
import { RegisterEntrySummary, toEntrySummary } from './register-schemas.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

/** What the receiving office registers: the document as the sender issued it. */
const IncomingBody = Type.Object(
  {
    documentId: Type.String({ format: 'uuid', description: 'the issued document' }),
    documentType: Type.String({ pattern: '^[A-Za-zĐđ]{1,8}$', description: 'its type code: CT, NQ, QĐ' }),
    symbol: Type.String({ minLength: 1, maxLength: 80, description: "the sender's number and symbol, 05-CT/TW" }),
    subject: Type.String({ minLength: 1, maxLength: 1000, description: 'the subject (trích yếu)' }),
  },
  { additionalProperties: false },
);

/**
 * Registers `body` in the caller's office's incoming register at `now` (registry or office
 * system of that office), in one transaction; returns the entry and whether it is new.
 */
export async function registerIncomingFor(
  pool: Pool,
  principal: Principal,
  body: { documentId: string; documentType: string; symbol: string; subject: string },
  now: Date = new Date(),
): Promise<{ entry: RegisterEntry; isNew: boolean }> {
  requireRoleOf(principal, roles.registry, roles.officeSystem);
  return withTransaction(pool, async (client) => {
    const office = await findOffice(client, principal.office);
    if (office === undefined || !office.active)
      throw new AppError(intakeErrors.REGISTER_OFFICE_UNKNOWN, { extra: { office: principal.office } });
    return registerIncoming(client, { ...body, office: principal.office, date: now, by: principal.subject });
  });
}

/** Registers the incoming register's route. */
export async function incomingRegisterRoutes(app: ServiceApp, options: { pool: Pool }): Promise<void> {
  const { pool } = options;
  app.addSchema(RegisterEntrySummary);
  app.post(
    '/v1/registers/incoming',
    {
      schema: {
        tags: ['registers'],
        summary:
          "Enters an accepted document in the caller's office's incoming register (số đến); the same document again keeps its number",
        body: IncomingBody,
        response: {
          200: Type.Ref(RegisterEntrySummary),
          201: Type.Ref(RegisterEntrySummary),
          400: problemResponse('VALIDATION_FAILED or BAD_REQUEST: the body breaks its schema or the rules'),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: the caller lacks the role (registry or office-system)'),
          422: problemResponse("REGISTER_OFFICE_UNKNOWN: the caller's office is not an active office"),
        },
      },
    },
    async (request, reply) => {
      const { entry, isNew } = await registerIncomingFor(pool, principalOf(request), request.body);
      return reply.code(isNew ? 201 : 200).send(toEntrySummary(entry));
    },
  );
}
