/** Ids: every row id is a UUID; anything else cannot name a row (`not_found` or `invalid`, never a 500). */

/** A UUID in its text form, any case. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the value is a UUID string. */
export const isUuid = (s: unknown): s is string => typeof s === 'string' && UUID_PATTERN.test(s);
