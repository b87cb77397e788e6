/**
 * What a directory import holds, as data and as the TypeBox schema of its JSON body: the
 * offices (the org tree: code, legal name, abbreviation used in symbols, level, parent,
 * seal key, and what its certificates name: unit and locality), the people of each office (the token subject, name, title — chức vụ —,
 * roles) and recipient groups (a set of offices: listed ones and rules such as "every
 * commune under HU-A"). An import adds and changes; it never removes (an office is
 * retired with `active: false`).
 */
import { Code, OfficeLevelSchema, Text, type OfficeLevelId } from '@lienthong/records';
import { bodyAbbreviationPattern } from '@lienthong/records';
import { Type } from '@lienthong/service';

/** Longest legal name, title, person name and group name. */
export const maxNameLength = 300;
/** Longest locality. */
export const maxLocalityLength = 100;
/** Most offices, people or groups in one import. */
export const maxEntries = 50_000;

/** One office of the tree. */
export interface OfficeEntry {
  code: string;
  /** Legal name, e.g. "Huyện ủy Kim Sơn". */
  name: string;
  /** The body abbreviation used in symbols (TU, HU, ĐU, BTCTU). */
  abbreviation: string;
  level: OfficeLevelId;
  /** The office it sits under; null for a root of the tree. */
  parent: string | null;
  /** A reference to the office's seal key (signing's key id or token label), when it has one. */
  sealKey: string | null;
  /** The unit its certificates name (a seal's CN, a person's OU), e.g. "Văn phòng Tỉnh ủy"; null: its name. */
  unit: string | null;
  /** The locality its seal names (L), e.g. "Cà Mau"; null: none. */
  locality: string | null;
  /** False retires the office: it keeps its code and history and receives nothing. */
  active: boolean;
}

/** One person of an office. */
export interface PersonEntry {
  office: string;
  /** The access token's `sub`, e.g. `person:nhung`. */
  subject: string;
  name: string;
  /** Title (chức vụ), e.g. "Chánh Văn phòng". */
  title: string;
  roles: string[];
}

/** "Every office at `level` in the subtree under `under`." */
export interface GroupRule {
  under: string;
  level: OfficeLevelId;
}

/** A recipient group (nhóm nơi nhận), owned by an office. */
export interface GroupEntry {
  code: string;
  office: string;
  name: string;
  offices: string[];
  rules: GroupRule[];
}

/** A whole import. */
export interface DirectoryDocument {
  offices: OfficeEntry[];
  people: PersonEntry[];
  groups: GroupEntry[];
}

/** A person's subject in the token: no white space, no slash. */
export const subjectPattern = '^[^\\s/]{1,200}$';

const OfficeInput = Type.Object(
  {
    code: Code,
    name: Text(maxNameLength, 'legal name, e.g. Huyện ủy Kim Sơn'),
    abbreviation: Type.String({ pattern: bodyAbbreviationPattern, description: 'abbreviation in symbols: TU, HU, ĐU' }),
    level: OfficeLevelSchema,
    parent: Type.Optional(
      Type.Union([Code, Type.Null()], { description: 'the office above; null or absent for a root' }),
    ),
    sealKey: Type.Optional(Type.Union([Text(200, "a reference to the office's seal key"), Type.Null()])),
    unit: Type.Optional(
      Type.Union([Text(maxNameLength, "a seal's CN and a person's OU, e.g. Văn phòng Tỉnh ủy"), Type.Null()], {
        description: 'what certificates name as the unit; null or absent: the office name',
      }),
    ),
    locality: Type.Optional(
      Type.Union([Text(maxLocalityLength, "a seal's L, e.g. Cà Mau"), Type.Null()], {
        description: 'what seals name as the locality; null or absent: none',
      }),
    ),
    active: Type.Optional(Type.Boolean({ description: 'false retires the office (default true)' })),
  },
  { additionalProperties: false },
);

const PersonInput = Type.Object(
  {
    office: Code,
    subject: Type.String({ pattern: subjectPattern, description: "the access token's sub, e.g. person:nhung" }),
    name: Text(maxNameLength, 'full name, e.g. Nguyễn Thị Hồng Nhung'),
    title: Text(maxNameLength, 'title (chức vụ), e.g. Chánh Văn phòng'),
    roles: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const GroupInput = Type.Object(
  {
    code: Code,
    office: Code,
    name: Text(maxNameLength, 'e.g. Các huyện ủy trực thuộc'),
    offices: Type.Optional(Type.Array(Code, { maxItems: 10_000, uniqueItems: true })),
    rules: Type.Optional(
      Type.Array(Type.Object({ under: Code, level: OfficeLevelSchema }, { additionalProperties: false }), {
        maxItems: 20,
      }),
    ),
  },
  { additionalProperties: false },
);

/** The JSON body of an import. */
export const DirectoryImportBody = Type.Object(
  {
    offices: Type.Optional(Type.Array(OfficeInput, { maxItems: maxEntries })),
    people: Type.Optional(Type.Array(PersonInput, { maxItems: maxEntries })),
    groups: Type.Optional(Type.Array(GroupInput, { maxItems: 1000 })),
  },
  { additionalProperties: false, description: 'offices, people and recipient groups to add or change' },
);

/** What the JSON schema lets through, before defaults. */
export interface DirectoryInput {
  offices?: (Omit<OfficeEntry, 'parent' | 'sealKey' | 'active' | 'unit' | 'locality'> & {
    parent?: string | null;
    sealKey?: string | null;
    active?: boolean;
    unit?: string | null;
    locality?: string | null;
  })[];
  people?: PersonEntry[];
  groups?: (Omit<GroupEntry, 'offices' | 'rules'> & { offices?: string[]; rules?: GroupRule[] })[];
}

/** The document with its defaults filled in (no parent, no seal key, active, no unit or locality, no members). */
export function toDirectoryDocument(input: DirectoryInput): DirectoryDocument {
  return {
    offices: (input.offices ?? []).map((o) => ({
      ...o,
      parent: o.parent ?? null,
      sealKey: o.sealKey ?? null,
      active: o.active ?? true,
      unit: o.unit ?? null,
      locality: o.locality ?? null,
    })),
    people: input.people ?? [],
    groups: (input.groups ?? []).map((g) => ({ ...g, offices: g.offices ?? [], rules: g.rules ?? [] })),
  };
}
