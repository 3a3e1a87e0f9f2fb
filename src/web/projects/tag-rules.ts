/** The tags of a repository, in the API's limits (`PATCH …/repositories/{id}`). */
export const maxTags = 20;
export const maxTagLength = 50;
const tagPattern = /^[a-z0-9\-_.:/]+$/;

export const tagsHint = `Up to ${maxTags} tags, separated by commas or spaces: letters, digits and - _ . : / (up to ${maxTagLength} each). Stored in lower case.`;

export type ParsedTags =
  { readonly ok: true; readonly tags: readonly string[] } | { readonly ok: false; readonly message: string };

/**
 * The tags typed into one box (`pci, team:payments  prod`): split on commas and spaces, lower-cased, each once,
 * in the order typed; or what to change, naming the first tag the API would refuse.
 */
export const parseTags = (text: string): ParsedTags => {
  const tags = [
    ...new Set(
      text
        .toLowerCase()
        .split(/[\s,]+/)
        .filter((tag) => tag !== ''),
    ),
  ];
  const tooLong = tags.find((tag) => tag.length > maxTagLength);
  if (tooLong)
    return { ok: false, message: `shorten "${tooLong.slice(0, 20)}…" to ${maxTagLength} characters` };
  const refused = tags.find((tag) => !tagPattern.test(tag));
  if (refused) {
    return { ok: false, message: `"${refused}" may use only letters, digits and - _ . : /` };
  }
  if (tags.length > maxTags)
    return { ok: false, message: `use at most ${maxTags} tags (${tags.length} given)` };
  return { ok: true, tags };
};
