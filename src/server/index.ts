/**
 * The embedded SAFE-Launcher-compatible server: `startServer()` for programs,
 * `signalbox serve` on the command line. Loads no Redis client unless
 * `redisUrl` is given.
 *
 * @module
 */
export { createServerApp } from './app.js'
export type { ServerContext, ServerOptions } from './context.js'
export {
  BODY_LIMIT_BYTES,
  HANDLE_BYTES_PER_TOKEN,
  HEADERS_TIMEOUT_MS,
  MAX_ANONYMOUS_WATCHES,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_ADDRESS,
  MAX_NEW_TOKENS_PER_ADDRESS_PER_MINUTE,
  MAX_TOKENS_PER_ADDRESS,
  MAX_WATCHES,
  MAX_WATCHES_PER_TOKEN,
  MEMORY_BUDGET_BYTES,
  RATE_LIMIT_PER_SECOND,
  RECORD_BYTES_PER_TOKEN,
  REQUEST_TIMEOUT_MS,
  TOKEN_IDLE_MS,
} from './limits.js'
export type { ListenerOptions } from './listener.js'
export {
  API_PREFIX,
  AUTH_KEY_HEADER,
  FIRST_APP_TYPE_TAG,
  LAUNCHER_ROUTES,
  PERMISSIONS,
  TTL_HEADER,
  MAX_WATCH_WAIT_MS,
  UNVERSIONED_TYPE_TAG,
  VERSIONED_TYPE_TAG,
  WATCH_WAIT_MS,
  type LauncherApp,
  type WatchAnswer,
} from '../launcher/api.js'
export { LAUNCHER_CODES, LauncherError, toLauncherError, type LauncherCode } from '../launcher/errors.js'
export { MAX_STRUCTURED_DATA_BYTES, STRUCTURED_DATA_OVERHEAD_BYTES } from './requests.js'
export { DEFAULT_HOST, DEFAULT_PORT, startServer, stopOnSignals, type RunningServer, type StartServerOptions } from './serve.js'
export { MAX_ANONYMOUS_HANDLES, MAX_HANDLES_PER_TOKEN, MAX_TOKENS, type SessionLimits } from './sessions.js'
export { findWebRoot, registerWebRoutes } from './web.js'
