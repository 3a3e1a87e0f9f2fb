/**
 * A string literal of Bitbucket's query language (`q`): in double quotes, with `\` and `"` escaped by a
 * backslash. The Intro ("Filtering and sorting") shows strings as "any text inside double quotes" and names no
 * escape; Atlassian support gave the backslash to a client author (MitjaBezensek/SharpBucket pull request 96).
 * Callers still check each result, so a query Bitbucket reads differently cannot select a wrong record.
 */
export const bbqlString = (value: string): string => `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
