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
