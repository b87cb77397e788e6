/** A key request and a registered person as the API shows them: never key material. */
import { Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { OfficeRecord, RegisteredPerson } from '../identity/identity-repository.ts';
import type { KeyRequestRecord } from '../keys/key-request-repository.ts';
import { certificateSubjectOf } from '../keys/key-requests.ts';

const dateTime = Type.String({ format: 'date-time' });
const orNull = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

/** A request for a personal key. */
export const KeyRequestSummary = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'also the id of the key once approved (GET /v1/keys/{id})' }),
    kind: Type.Union([Type.Literal('enrol'), Type.Literal('import'), Type.Literal('csr')], {
      description:
        "enrol: a key generated here, to be certified by the local CA; import: a PKCS#12 key whose certificate names someone else; csr: the key of a certification request made on the signer's USB token, to be certified by the local CA (the private key never comes here)",
    }),
    state: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
    office: Type.String(),
    requester: Type.String({ description: "the requester's subject (the key's owner once approved)" }),
    subject: Type.String({ description: 'the subject the certificate carries (enrol: will carry once approved)' }),
    identity: Type.Object(
      {
        organisation: Type.String(),
        unit: Type.String(),
        name: Type.String(),
        title: Type.String(),
      },
      { description: 'the registered identity the request was made against' },
    ),
    mismatches: Type.Array(Type.String(), {
      description: "import: what in the certificate differs from the registered identity (the approver's question)",
    }),
    keyType: orNull(Type.String()),
    algorithm: Type.String(),
    validityDays: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: dateTime,
    decidedAt: orNull(dateTime),
    decidedBy: orNull(Type.String()),
    reason: orNull(Type.String({ description: 'why it was refused' })),
  },
  { $id: 'KeyRequest' },
);

/** The JSON of a request. */
export function toKeyRequestSummary(r: KeyRequestRecord): Static<typeof KeyRequestSummary> {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    office: r.office,
    requester: r.requester,
    subject: certificateSubjectOf(r),
    identity: r.identity,
    mismatches: r.mismatches,
    keyType: r.keyType,
    algorithm: r.algorithm,
    validityDays: r.validityDays,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decidedBy: r.decidedBy,
    reason: r.reason,
  };
}

/** A person of an office as registered. */
export const PersonSummary = Type.Object(
  {
    office: Type.String(),
    subject: Type.String({ description: "the access token's sub" }),
    name: Type.String({ description: 'full name: the CN of their certificates' }),
    title: Type.String({ description: 'title (chức vụ): the title of their certificates' }),
    recordedBy: Type.String(),
    recordedAt: dateTime,
  },
  { $id: 'RegisteredPerson' },
);

/** The JSON of a person. */
export function toPersonSummary(p: RegisteredPerson): Static<typeof PersonSummary> {
  return { ...p, recordedAt: p.recordedAt.toISOString() };
}

/** An office as registered (LIENTHONG_SIGNING_OFFICES_FILE). */
export const OfficeSummary = Type.Object(
  {
    code: Type.String({ description: "the access token's office claim; organizationIdentifier LT:VN-<code>" }),
    name: Type.String({ description: 'legal name (O)' }),
    unit: Type.String({ description: "unit (a seal's CN, a person's OU)" }),
    locality: Type.Union([Type.String(), Type.Null()], { description: "a seal's L" }),
    source: Type.Union([Type.Literal('file'), Type.Literal('directory')], {
      description:
        "who registers it: the offices file, or intake's directory (then also its people: PUT and DELETE of them are 409)",
    }),
  },
  { $id: 'RegisteredOffice' },
);

/** The JSON of an office. */
export function toOfficeSummary(o: OfficeRecord): Static<typeof OfficeSummary> {
  return { code: o.code, name: o.name, unit: o.unit, locality: o.locality ?? null, source: o.source };
}
