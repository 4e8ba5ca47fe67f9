/**
 * The embedded SAFE-Launcher-compatible server: `startServer()` for programs,
 * `signalbox serve` on the command line.
 *
 * @module
 */
export { API_PREFIX, BODY_LIMIT_BYTES, createServerApp, RATE_LIMIT_PER_SECOND, type ServerContext, type ServerOptions } from './app.js'
export { LAUNCHER_CODES, LauncherError, toLauncherError } from '../launcher/errors.js'
export {
  FIRST_APP_TYPE_TAG,
  MAX_STRUCTURED_DATA_BYTES,
  PERMISSIONS,
  STRUCTURED_DATA_OVERHEAD_BYTES,
  TYPE_TAG_UNVERSIONED,
  TYPE_TAG_VERSIONED,
} from './requests.js'
export { TTL_HEADER } from './routes/shared.js'
export { MAX_ANONYMOUS_WATCHES, MAX_WATCH_TIMEOUT_MS, MAX_WATCHES_PER_TOKEN, WATCH_TIMEOUT_MS, type WatchAnswer } from './routes/watch.js'
export { DEFAULT_HOST, DEFAULT_PORT, startServer, stopOnSignals, type RunningServer, type StartServerOptions } from './serve.js'
export { MAX_ANONYMOUS_HANDLES, MAX_HANDLES_PER_TOKEN, MAX_TOKENS, type AppInfo, type SessionLimits } from './sessions.js'
export { findWebRoot, registerWebRoutes } from './web.js'
