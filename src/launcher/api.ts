/**
 * The SAFE Launcher REST API 0.5 as both sides speak it: where it listens, its
 * routes, its headers, its type tags, the app that asks for a token and the
 * permissions it may ask for. `SafeLauncherStore` (the client) and
 * `signalbox serve` (the server) import these; neither spells them again.
 *
 * @module
 */

/** The API version prefix of every route, as the seed app's clients used it. */
export const API_PREFIX = '/0.5'
/** Where the SAFE Launcher listened. */
export const DEFAULT_LAUNCHER_URL = 'http://localhost:8100/0.5/'

/**
 * Every route, relative to {@link API_PREFIX}, as Fastify-style patterns
 * (`:handleId` a parameter, `?` after one an optional one). The server registers
 * them as they are; the client fills them with {@link launcherPath}.
 */
export const LAUNCHER_ROUTES = {
  auth: 'auth',
  dataId: 'data-id/structured-data',
  /** `DELETE` drops the handle; `GET` serialises it. */
  dataIdHandle: 'data-id/:handleId',
  /** `POST` deserialises a data id, as the Launcher 0.5 router declared it (with the slash). */
  dataIdDeserialise: 'data-id/',
  cipherOpts: 'cipher-opts/:encType/:keyHandle?',
  cipherOptsHandle: 'cipher-opts/:handleId',
  /** `POST` creates: as the Launcher 0.5 router declared it, with the slash that safe-js sends (the server takes it without too). */
  structuredData: 'structured-data/',
  structuredDataFromDataId: 'structured-data/handle/:dataIdHandle',
  dropStructuredData: 'structured-data/handle/:handleId',
  structuredDataItem: 'structured-data/:handleId',
  structuredDataRead: 'structured-data/:handleId/:version?',
  metadata: 'structured-data/metadata/:handleId',
  dataIdOf: 'structured-data/data-id/:handleId',
  validateSize: 'structured-data/validate-size/:handleId',
  serialise: 'structured-data/serialise/:handleId',
  deserialise: 'structured-data/deserialise',
  /** Our push-read extension (see {@link WATCH_WAIT_MS}). */
  watch: 'structured-data/watch/:dataIdHandle',
  /** Our push read by name: `?name=&typeTag=&since=&timeoutMs=`, no data-id handle. */
  watchByName: 'structured-data/watch',
  /** Our one-request read extension: `?name=&typeTag=`. */
  read: 'structured-data/read',
  /** Our one-request create extension: `POST` `{ name, typeTag, data }`; a lost create answers the record that won. */
  createAndSave: 'structured-data/create-and-save',
  /** Our one-request update extension: `POST` `{ name, typeTag, data }` (owner only). */
  updateAndSave: 'structured-data/update-and-save',
  /** Our one-request removal: `POST` `{ name, typeTag }` (owner only); absent is fine (`removed: false`). */
  removeByName: 'structured-data/remove-by-name',
} as const

/** A route of {@link LAUNCHER_ROUTES}. */
export type LauncherRoute = (typeof LAUNCHER_ROUTES)[keyof typeof LAUNCHER_ROUTES]

/**
 * A request path from a route pattern: each `:name` replaced by `params[name]`
 * (an optional one left out when absent), and an optional query appended.
 */
export function launcherPath(route: LauncherRoute, params: Record<string, string | number> = {}, query?: URLSearchParams): string {
  const path = route
    .split('/')
    .flatMap((segment) => {
      if (!segment.startsWith(':')) return [segment]
      const key = segment.slice(1).replace(/\?$/, '')
      const value = params[key]
      if (value === undefined) {
        if (segment.endsWith('?')) return []
        throw new TypeError(`launcherPath: ${route} needs ${key}`)
      }
      return [encodeURIComponent(String(value))]
    })
    .join('/')
  const search = query?.toString() ?? ''
  return search === '' ? path : `${path}?${search}`
}

/** How a request carries its token: `Authorization: Bearer <token>` (case-insensitive scheme). */
const BEARER = /^Bearer\s+(\S+)$/i

/** The token of an `Authorization` header, or undefined when it carries none in the Bearer form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1]
}

/** The `Authorization` header value for `token`. */
export function bearer(token: string): string {
  return `Bearer ${token}`
}

/** Our extension header: how long a saved record lives, in ms (on `PUT` and `POST structured-data/:handleId`). */
export const TTL_HEADER = 'x-signalbox-ttl-ms'

/** Our extension header: the server's key on `POST auth`, when `signalbox serve --auth-key` hands out tokens only with it. */
export const AUTH_KEY_HEADER = 'x-signalbox-auth-key'

/** SAFE structured data's type tag for unversioned data, which signalbox's records are. */
export const UNVERSIONED_TYPE_TAG = 500
/** SAFE structured data's type tag for versioned data. */
export const VERSIONED_TYPE_TAG = 501
/** Type tags from here up are the apps' own. */
export const FIRST_APP_TYPE_TAG = 15_000

/** The permission that lets an app write structured data. */
export const LOW_LEVEL_API = 'LOW_LEVEL_API'
/** Permissions an app may ask for. */
export const PERMISSIONS = [LOW_LEVEL_API, 'SAFE_DRIVE_ACCESS'] as const

/** The app that asks for a token (`POST auth`'s `app`). */
export interface LauncherApp {
  name: string
  id: string
  version: string
  vendor: string
}

/** How long a push read waits for a change before answering with none, in ms: the client asks for it, the server defaults to it. */
export const WATCH_WAIT_MS = 25_000
/** The longest push-read wait a client may ask for, in ms. */
export const MAX_WATCH_WAIT_MS = 60_000

/** The answer of a push read: `data` base64, null (and `revision` 0) when there is no record. */
export interface WatchAnswer {
  revision: number
  version: number
  data: string | null
}
