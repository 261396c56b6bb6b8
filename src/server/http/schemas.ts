/** JSON schemas of the contract objects, shared by route schemas and the OpenAPI document. */
export const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
} as const;

export const chatObject = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    memberId: { type: 'string' },
    assigneeId: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['pending', 'open', 'closed'] },
    topic: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    closedAt: { type: ['string', 'null'] },
    lastSeq: { type: 'integer' },
    queuePosition: { type: 'integer' },
    memberName: { type: 'string' },
    assigneeName: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
  },
} as const;

export const messageObject = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    chatId: { type: 'string' },
    seq: { type: 'integer' },
    senderId: { type: ['string', 'null'] },
    senderRole: { type: 'string' },
    senderName: { type: 'string' },
    kind: { type: 'string', enum: ['text', 'auto_reply', 'system'] },
    text: { type: 'string' },
    attachments: { type: 'array', items: { type: 'object', additionalProperties: true } },
    createdAt: { type: 'string' },
    flags: { type: 'array', items: { type: 'object', additionalProperties: true } },
    sentimentScore: { type: ['number', 'null'] },
    code: { type: 'string' },
    params: { type: 'object', additionalProperties: true },
  },
} as const;

export const ackObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    chatId: { type: 'string' },
    messageId: { type: 'string' },
    seq: { type: 'integer' },
    createdAt: { type: 'string' },
    duplicate: { type: 'boolean' },
  },
} as const;

export const bearer = [{ bearer: [] as string[] }];

/** A UUID in text (ids of users, chats, shifts): anything else never reaches a uuid column. */
export const uuidString = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;

/** A calendar day `YYYY-MM-DD` (holidays). */
export const dayString = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

/** The largest value of a PostgreSQL `integer` (message seq numbers). */
export const INT4_MAX = 2147483647;

/** Offsets of paged lists: past this a page is empty anyway, and the value still fits `bigint`. */
export const OFFSET_MAX = 1_000_000_000;
