import { z } from 'zod';

/*
 * Bitbucket Data Center REST 1.0 answers, as far as scm-connect reads them. Unknown fields are allowed (zod
 * objects strip them) so that API additions never break a connection; numeric ids become strings at the edge.
 */

const id = z.union([z.number().int(), z.string().min(1)]).transform(String);

const links = z.object({ self: z.array(z.object({ href: z.string().min(1) })).nullish() }).nullish();

/** `GET /rest/api/1.0/application-properties` (no authentication needed). */
export const applicationPropertiesSchema = z.object({
  version: z.string().min(1),
  buildNumber: z.string().nullish(),
  displayName: z.string().nullish(),
});
export type BbdcApplicationProperties = z.output<typeof applicationPropertiesSchema>;

/** `RestProject`: `GET /rest/api/1.0/projects/{KEY}`. `type` is `NORMAL` or `PERSONAL`. */
export const projectSchema = z.object({
  id,
  key: z.string().min(1),
  name: z.string().min(1),
  public: z.boolean().nullish(),
  type: z.string().nullish(),
  links,
});
export type BbdcProject = z.output<typeof projectSchema>;

/** `RestRepository`: one entry of `GET /rest/api/1.0/projects/{KEY}/repos`. */
export const repositorySchema = z.object({
  id,
  slug: z.string().min(1),
  name: z.string().min(1),
  project: z.object({ key: z.string().min(1) }),
  public: z.boolean().nullish(),
  archived: z.boolean().nullish(),
  /** Branch name (no `refs/heads/`); absent on older releases and for empty repositories. */
  defaultBranch: z.string().nullish(),
  links,
});
export type BbdcRepository = z.output<typeof repositorySchema>;

/** One entry of `GET /rest/api/1.0/projects/{KEY}/permissions/users`. */
export const userPermissionSchema = z.object({
  user: z.object({
    id,
    name: z.string().min(1),
    slug: z.string().nullish(),
    displayName: z.string().nullish(),
    active: z.boolean().nullish(),
  }),
  /** `PROJECT_READ`, `PROJECT_WRITE` or `PROJECT_ADMIN` (the enum lists more). */
  permission: z.string().min(1),
});
export type BbdcUserPermission = z.output<typeof userPermissionSchema>;

/** `RestErrors`: `{"errors":[{"context":null,"message":"…","exceptionName":"…"}]}`. */
export const errorsSchema = z.object({
  errors: z
    .array(
      z.object({
        message: z.string().nullish(),
        exceptionName: z.string().nullish(),
        context: z.string().nullish(),
      }),
    )
    .min(1),
});
