/**
 * Reading the directory: offices (any caller; filter by parent and level, paged like the
 * certificate list of signing), one office, the people of the caller's own office, the
 * groups it owns, one group and the offices it resolves to.
 */
import { Code, OfficeLevelSchema } from '@lienthong/records';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { Pool } from '@lienthong/db';
import {
  groupMembers,
  officesPage,
  ownGroups,
  ownPeople,
  viewGroup,
  viewOffice,
} from '../directory/directory-reads.ts';
import {
  GroupSummary,
  OfficeSummary,
  PersonSummary,
  problemResponse,
  toGroupSummary,
  toOfficeSummary,
  toPersonSummary,
  unauthenticated,
} from './schemas.ts';

const CodeParam = Type.Object({ code: Code });
const invalid = problemResponse('VALIDATION_FAILED');

/** Registers the directory's read routes. */
export async function directoryRoutes(app: ServiceApp, options: { pool: Pool }): Promise<void> {
  const { pool } = options;
  app.addSchema(OfficeSummary);
  app.addSchema(PersonSummary);
  app.addSchema(GroupSummary);

  app.get(
    '/v1/directory/offices',
    {
      schema: {
        tags: ['directory'],
        summary: 'Offices by code, filtered by parent and level; page with limit and offset',
        querystring: Type.Object(
          {
            parent: Type.Optional(Code),
            level: Type.Optional(OfficeLevelSchema),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'offices per page' }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'how many to skip' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            offices: Type.Array(Type.Ref(OfficeSummary)),
            nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
              description: 'offset of the next page; null when this is the last',
            }),
          }),
          400: invalid,
          401: unauthenticated,
        },
      },
    },
    async (request) => {
      const { parent, level, limit, offset } = request.query;
      const page = await officesPage(pool, {
        limit,
        offset,
        ...(parent === undefined ? {} : { parent }),
        ...(level === undefined ? {} : { level }),
      });
      return { offices: page.offices.map(toOfficeSummary), nextOffset: page.nextOffset };
    },
  );

  app.get(
    '/v1/directory/offices/:code',
    {
      schema: {
        tags: ['directory'],
        summary: 'One office',
        params: CodeParam,
        response: {
          200: Type.Ref(OfficeSummary),
          400: invalid,
          401: unauthenticated,
          404: problemResponse('OFFICE_NOT_FOUND'),
        },
      },
    },
    async (request) => toOfficeSummary(await viewOffice(pool, request.params.code)),
  );

  app.get(
    '/v1/directory/people',
    {
      schema: {
        tags: ['directory'],
        summary: "The people of the caller's office (other offices' people are not listed)",
        response: { 200: Type.Object({ people: Type.Array(Type.Ref(PersonSummary)) }), 401: unauthenticated },
      },
    },
    async (request) => ({ people: (await ownPeople(pool, principalOf(request))).map(toPersonSummary) }),
  );

  app.get(
    '/v1/directory/groups',
    {
      schema: {
        tags: ['directory'],
        summary: "The recipient groups the caller's office owns",
        response: { 200: Type.Object({ groups: Type.Array(Type.Ref(GroupSummary)) }), 401: unauthenticated },
      },
    },
    async (request) => ({ groups: (await ownGroups(pool, principalOf(request))).map(toGroupSummary) }),
  );

  app.get(
    '/v1/directory/groups/:code',
    {
      schema: {
        tags: ['directory'],
        summary: 'One recipient group',
        params: CodeParam,
        response: {
          200: Type.Ref(GroupSummary),
          400: invalid,
          401: unauthenticated,
          404: problemResponse('GROUP_NOT_FOUND'),
        },
      },
    },
    async (request) => toGroupSummary(await viewGroup(pool, request.params.code)),
  );

  app.get(
    '/v1/directory/groups/:code/members',
    {
      schema: {
        tags: ['directory'],
        summary: 'The active offices a recipient group resolves to, by code',
        params: CodeParam,
        response: {
          200: Type.Object({ group: Type.String(), offices: Type.Array(Type.String()) }),
          400: invalid,
          401: unauthenticated,
          404: problemResponse('GROUP_NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const { group, offices } = await groupMembers(pool, request.params.code);
      return { group: group.code, offices };
    },
  );
}
