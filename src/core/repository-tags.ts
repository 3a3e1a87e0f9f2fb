import { z } from 'zod';

export const maxTagsPerRepository = 20;

const tagPattern = /^[A-Za-z0-9\-_.:/]{1,50}$/;

const tagMessage = 'must be 1 to 50 letters, digits or - _ . : / (for example team:payments)';

/** One tag of a repository: compared and stored lower-case. */
export const repositoryTag = z
  .string()
  .trim()
  .regex(tagPattern, tagMessage)
  .transform((tag) => tag.toLowerCase());

/** A repository's tags, as an admin sets them: duplicates (in any case) collapse to one. */
export const repositoryTags = z
  .array(repositoryTag)
  .max(maxTagsPerRepository, `must hold at most ${maxTagsPerRepository} tags`)
  .transform((tags) => [...new Set(tags)]);
