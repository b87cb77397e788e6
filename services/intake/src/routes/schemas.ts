/** Response declarations shared by the routes: problem documents and the directory's summaries. */
import { OfficeLevelSchema } from '@lienthong/records';
import { ProblemSchema, Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { PersonEntry } from '../directory/directory-document.ts';
import type { StoredGroup, StoredOffice } from '../directory/directory-snapshot.ts';

/** A problem+json (RFC 9457) response of the given meaning. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } };
}

/** The 401 every protected route may answer. */
export const unauthenticated = problemResponse(
  'UNAUTHENTICATED: no valid access token (Authorization: Bearer); TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT: a token for another service, living too long, or without a sound iat',
);

/** The media type of a request without parameters, lower case ('' when absent). */
/** What the routes that call signing (signature, issue) may answer besides their own. */
export const signingProblems = {
  401: unauthenticated,
  404: problemResponse("DOCUMENT_NOT_FOUND: none of the caller's office with this id"),
  409: problemResponse(
    'DOCUMENT_TRANSITION_NOT_ALLOWED (state), SIGNING_KEY_MISSING, REGISTER_NUMBER_CANCELLED: the number was cancelled',
  ),
  422: problemResponse('SIGNING_REFUSED: signing refused the request (signingCode); numbering refusals'),
  502: problemResponse('SIGNING_ANSWER_INVALID: signing answered with a PDF that does not extend the document'),
  503: problemResponse(
    'SIGNING_UNAVAILABLE: signing not configured, unreachable or failing; ISSUE_QUEUE_FULL: too many of the caller’s signatures waiting (Retry-After); retry',
  ),
};

export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** An office as the API shows it. */
export const OfficeSummary = Type.Object(
  {
    code: Type.String(),
    name: Type.String({ description: 'legal name' }),
    abbreviation: Type.String({ description: 'as in symbols: TU, HU, ĐU' }),
    level: OfficeLevelSchema,
    parent: Type.Union([Type.String(), Type.Null()]),
    sealKey: Type.Union([Type.String(), Type.Null()]),
    unit: Type.Union([Type.String(), Type.Null()], {
      description: "what certificates name as the unit (a seal's CN, a person's OU); null: the name",
    }),
    locality: Type.Union([Type.String(), Type.Null()], { description: "a seal's L; null: none" }),
    active: Type.Boolean(),
    revision: Type.Integer({ minimum: 1 }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'OfficeSummary' },
);

/** A person as the API shows them. */
export const PersonSummary = Type.Object(
  {
    office: Type.String(),
    subject: Type.String(),
    name: Type.String(),
    title: Type.String(),
    roles: Type.Array(Type.String()),
  },
  { $id: 'PersonSummary' },
);

/** A recipient group as the API shows it. */
export const GroupSummary = Type.Object(
  {
    code: Type.String(),
    office: Type.String({ description: 'the office that owns it' }),
    name: Type.String(),
    offices: Type.Array(Type.String(), { description: 'offices listed by code' }),
    rules: Type.Array(Type.Object({ under: Type.String(), level: OfficeLevelSchema }), {
      description: 'every active office at `level` in the subtree under `under`',
    }),
    revision: Type.Integer({ minimum: 1 }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'GroupSummary' },
);

export const toOfficeSummary = (o: StoredOffice): Static<typeof OfficeSummary> => ({
  code: o.code,
  name: o.name,
  abbreviation: o.abbreviation,
  level: o.level,
  parent: o.parent,
  sealKey: o.sealKey,
  unit: o.unit,
  locality: o.locality,
  active: o.active,
  revision: o.revision,
  updatedAt: o.updatedAt.toISOString(),
});

export const toPersonSummary = (p: PersonEntry): Static<typeof PersonSummary> => ({
  office: p.office,
  subject: p.subject,
  name: p.name,
  title: p.title,
  roles: p.roles,
});

export const toGroupSummary = (g: StoredGroup): Static<typeof GroupSummary> => ({
  code: g.code,
  office: g.office,
  name: g.name,
  offices: g.offices,
  rules: g.rules,
  revision: g.revision,
  updatedAt: g.updatedAt.toISOString(),
});
