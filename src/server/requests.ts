/**
 * Validation of every body and parameter of the Launcher API, with valibot
 * schemas whose messages are the Launcher's own ("name is missing in request
 * body", "Invalid id specified", …), so clients see the answers they expect.
 *
 * @module
 */
import * as v from 'valibot'
import { MAX_RECORD_BYTES } from '../protocol/records.js'
import { FIRST_APP_TYPE_TAG, MAX_WATCH_WAIT_MS, PERMISSIONS, UNVERSIONED_TYPE_TAG, VERSIONED_TYPE_TAG } from '../launcher/api.js'
import { badRequest, LAUNCHER_CODES, launcherError } from '../launcher/errors.js'
/** Bytes a structured data's name has. */
export const NAME_BYTES = 32
/** What a structured data costs beyond its data, in bytes: name (32), type tag (8), version (8), owner key (32). */
export const STRUCTURED_DATA_OVERHEAD_BYTES = 80
/** Most data bytes one structured data holds: 100 KiB including its own overhead. */
export const MAX_STRUCTURED_DATA_BYTES = MAX_RECORD_BYTES - STRUCTURED_DATA_OVERHEAD_BYTES

const FIELDS_MISSING = 'Fields are missing'
const NAME_MISSING = 'name is missing in request body'
const TAG_NOT_A_NUMBER = 'Tag type must be a valid number'

/** The message of a body that is not an object (the Launcher's "name is missing"), or that lacks a field: that field is named. */
function missingField(issue: v.BaseIssue<unknown>): string {
  const key = issue.path?.[0]?.key
  return typeof key === 'string' && issue.input === undefined ? `${key} is missing in request body` : NAME_MISSING
}

/** Decodes base64 as the Launcher did (Node's lenient decoder); undefined for a non-string. */
function decodeBase64(value: unknown): Buffer | undefined {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : undefined
}

const nameSchema = v.pipe(
  v.string(NAME_MISSING),
  v.nonEmpty(NAME_MISSING),
  v.check((name) => decodeBase64(name)?.length === NAME_BYTES, 'Invalid id specified'),
  v.transform((name) => decodeBase64(name)!.toString('base64')),
)

const typeTagSchema = v.pipe(
  v.unknown(),
  v.transform((tag) => (tag === undefined || tag === null || tag === 0 || tag === '' ? UNVERSIONED_TYPE_TAG : tag)),
  v.check((tag) => (typeof tag === 'number' || typeof tag === 'string') && !Number.isNaN(Number(tag)), TAG_NOT_A_NUMBER),
  v.transform((tag) => Number.parseInt(String(tag), 10)),
  v.check(
    (tag) => tag === UNVERSIONED_TYPE_TAG || tag === VERSIONED_TYPE_TAG || tag >= FIRST_APP_TYPE_TAG,
    'Invalid tag type specified',
  ),
)

const dataSchema = v.pipe(
  v.unknown(),
  v.check((data) => data === undefined || data === null || typeof data === 'string', 'data must be a base64 string'),
  v.transform((data) => (typeof data === 'string' ? decodeBase64(data)!.toString('base64') : '')),
)

/** `POST auth`. */
export const authBody = v.pipe(
  v.looseObject(
    {
      app: v.looseObject(
        { name: v.string(FIELDS_MISSING), id: v.string(FIELDS_MISSING), version: v.string(FIELDS_MISSING), vendor: v.string(FIELDS_MISSING) },
        FIELDS_MISSING,
      ),
      permissions: v.optional(v.unknown()),
    },
    FIELDS_MISSING,
  ),
  v.check(({ app }) => [app.name, app.id, app.version, app.vendor].every((value) => value.trim().length > 0), 'Values cannot be empty'),
  v.check(({ permissions }) => permissions !== undefined && permissions !== null, 'Permission field is missing'),
  v.check(
    ({ permissions }) => Array.isArray(permissions) && permissions.every((permission) => (PERMISSIONS as readonly unknown[]).includes(permission)),
    'Invalid permissions requested',
  ),
  v.transform(({ app, permissions }) => ({
    app: { name: app.name, id: app.id, version: app.version, vendor: app.vendor },
    permissions: [...new Set(permissions as string[])],
  })),
)

/** `POST data-id/structured-data`. */
export const dataIdBody = v.looseObject({ name: nameSchema, typeTag: typeTagSchema }, missingField)

/** `POST structured-data`. */
export const createBody = v.looseObject(
  { name: nameSchema, typeTag: typeTagSchema, cipherOpts: v.optional(v.unknown()), data: dataSchema },
  missingField,
)

/** What a serialised data-id handle holds (`POST data-id/`): checked as `POST data-id/structured-data` is. */
export const serialisedDataIdBody = v.looseObject({ name: nameSchema, typeTag: typeTagSchema }, missingField)

/** What a serialised structured-data handle holds (`POST structured-data/deserialise`): checked as a create is, and its version. */
export const serialisedStructuredDataBody = v.looseObject(
  {
    name: nameSchema,
    typeTag: typeTagSchema,
    data: dataSchema,
    version: v.pipe(v.number('version must be a whole number'), v.safeInteger('version must be a whole number'), v.minValue(0, 'version must be a whole number')),
  },
  missingField,
)

/**
 * The JSON after `prefix` in a serialised handle's bytes, checked with `schema`
 * (400 naming what is wrong); -2 when the bytes are not a serialised handle.
 */
export function parseSerialised<TSchema extends v.GenericSchema>(schema: TSchema, prefix: string, body: unknown): v.InferOutput<TSchema> {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : ''
  let json: unknown
  try {
    if (!text.startsWith(prefix)) throw new Error('not a serialised handle')
    json = JSON.parse(text.slice(prefix.length))
  } catch {
    throw launcherError(LAUNCHER_CODES.ENCODE_DECODE)
  }
  return parseRequest(schema, json)
}

/** `PATCH structured-data/:handleId`: `{ data, cipherOpts }`, or the base64 text alone as some clients sent it. */
export const updateBody = v.union(
  [
    v.looseObject({ data: dataSchema, cipherOpts: v.optional(v.unknown()) }),
    v.pipe(
      v.string(),
      v.transform((data) => ({ data: decodeBase64(data)!.toString('base64'), cipherOpts: undefined as unknown })),
    ),
  ],
  'data is missing in request body',
)

/** The query of our push-read extension: `since` (a revision) and `timeoutMs`. */
export const watchQuery = v.looseObject({
  since: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'since must be a whole number'), v.transform(Number))),
  timeoutMs: v.optional(v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'timeoutMs must be a whole number'), v.transform(Number), v.transform((ms) => Math.min(ms, MAX_WATCH_WAIT_MS)))),
})

/** Parses `value` with `schema`, or throws the 400 answer with the first issue's message. */
export function parseRequest<TSchema extends v.GenericSchema>(schema: TSchema, value: unknown): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, value)
  if (result.success) return result.output
  throw badRequest(result.issues[0].message)
}

/** Checks decoded data against {@link MAX_STRUCTURED_DATA_BYTES}; the Launcher's -1 error when over. */
export function checkDataSize(base64: string): void {
  if (Buffer.byteLength(base64, 'base64') > MAX_STRUCTURED_DATA_BYTES) {
    throw launcherError(
      LAUNCHER_CODES.DATA_TOO_LARGE,
      `${LAUNCHER_CODES.DATA_TOO_LARGE.description}: data is limited to ${MAX_STRUCTURED_DATA_BYTES} bytes (100 KiB with the structured data's own overhead)`,
    )
  }
}

const handleIdSchema = v.pipe(v.string(), v.regex(/^\d{1,16}$/), v.transform(Number))
/** A handle id that matches no handle. */
const NO_HANDLE = -1

/** A handle id from the path: a whole number, or -1 (which matches no handle) for anything else. */
export function handleIdParam(value: string | undefined): number {
  const result = v.safeParse(handleIdSchema, value)
  return result.success ? result.output : NO_HANDLE
}

/** The record lifetime header (`X-Signalbox-Ttl-Ms`): a whole number of ms from 1 to `maxMs`. */
export function ttlSchema(maxMs: number) {
  const message = `X-Signalbox-Ttl-Ms must be a whole number of milliseconds from 1 to ${maxMs}`
  return v.pipe(v.string(message), v.regex(/^\d{1,12}$/, message), v.transform(Number), v.minValue(1, message), v.maxValue(maxMs, message))
}

/** Cipher options: none (plain), or a cipher-opts handle id as a number or digits; -1 matches no handle. */
export const cipherOptsSchema = v.union([
  v.pipe(v.union([v.null(), v.undefined()]), v.transform(() => undefined)),
  v.number(),
  v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number)),
  v.pipe(v.unknown(), v.transform(() => NO_HANDLE)),
])

/** The backend address of a structured data: its type tag and its name. */
export function recordAddress(typeTag: number, name: string): string {
  return `${typeTag}:${name}`
}
