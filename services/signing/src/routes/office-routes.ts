/**
 * The registered identities of the caller's office: `GET /v1/offices/self` (any caller: what
 * its seal and its people's certificates name), and its people as its CA administrators
 * record them — `PUT /v1/offices/self/people/{subject}` (full name and title, what that
 * person's certificates will name), `GET` (a list for the CA administrators; one record for
 * them and for the person themself) and `DELETE`. Offices themselves are not written here:
 * they come from LIENTHONG_SIGNING_OFFICES_FILE or intake's directory; once the directory has
 * published an office, its people are the directory's too (PUT and DELETE: 409).
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { listPeople, recordPerson, removePerson, viewOwnOffice, viewPerson } from '../keys/person-registry.ts';
import { OfficeSummary, PersonSummary, toOfficeSummary, toPersonSummary } from './key-request-summary.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const text = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', description });
const Subject = Type.Object({
  subject: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^[^\\s/]+$',
    description: "the person's access token sub, e.g. person:nhung (URL-encoded)",
  }),
});
const notRegistered = problemResponse("OFFICE_NOT_REGISTERED: the caller's office is not registered");
const forbidden = problemResponse('FORBIDDEN: the caller is not a ca-admin');
const notFound = problemResponse('PERSON_NOT_FOUND');
const notHere = problemResponse(
  "OFFICE_NOT_REGISTERED, or PEOPLE_FROM_DIRECTORY: the office's people come from intake's directory",
);

/** Registers the office routes. */
export async function officeRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.addSchema(PersonSummary);

  app.get(
    '/v1/offices/self',
    {
      schema: {
        tags: ['registration authority'],
        summary: "The caller's office as registered (LIENTHONG_SIGNING_OFFICES_FILE)",
        response: { 200: OfficeSummary, 401: unauthenticated, 409: notRegistered },
      },
    },
    async (request) => toOfficeSummary(await viewOwnOffice(ca, principalOf(request))),
  );

  app.get(
    '/v1/offices/self/people',
    {
      schema: {
        tags: ['registration authority'],
        summary: "The people of the caller's office as its CA administrators recorded them (a ca-admin)",
        response: {
          200: Type.Object({ people: Type.Array(Type.Ref(PersonSummary)) }),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => ({ people: (await listPeople(ca, principalOf(request))).map(toPersonSummary) }),
  );

  app.get(
    '/v1/offices/self/people/:subject',
    {
      schema: {
        tags: ['registration authority'],
        summary: 'One person of the office (a ca-admin, or the person themself)',
        params: Subject,
        response: {
          200: Type.Ref(PersonSummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          404: notFound,
        },
      },
    },
    async (request) => toPersonSummary(await viewPerson(ca, principalOf(request), request.params.subject)),
  );

  app.put(
    '/v1/offices/self/people/:subject',
    {
      schema: {
        tags: ['registration authority'],
        summary: "Record a person of the caller's office: the full name and title their certificates name (a ca-admin)",
        description:
          'Certificates issued before keep what they name; requests not yet approved can then no longer be (KEY_REQUEST_STALE) and are asked again.',
        params: Subject,
        body: Type.Object(
          {
            name: text(200, 'full name (CN), e.g. Nguyễn Thị Hồng Nhung'),
            title: text(200, 'title (chức vụ), e.g. Phó Bí thư Tỉnh ủy'),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Ref(PersonSummary),
          201: Type.Ref(PersonSummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: forbidden,
          409: notHere,
        },
      },
    },
    async (request, reply) => {
      const { person, created } = await recordPerson(ca, principalOf(request), request.params.subject, request.body);
      return reply.code(created ? 201 : 200).send(toPersonSummary(person));
    },
  );

  app.delete(
    '/v1/offices/self/people/:subject',
    {
      schema: {
        tags: ['registration authority'],
        summary:
          'Remove a person of the office (a ca-admin): no new certificate for them; issued ones stay until revoked',
        params: Subject,
        response: {
          204: Type.Null(),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: problemResponse("PEOPLE_FROM_DIRECTORY: the office's people come from intake's directory"),
        },
      },
    },
    async (request, reply) => {
      await removePerson(ca, principalOf(request), request.params.subject);
      return reply.code(204).send(null);
    },
  );
}
