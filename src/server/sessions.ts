/**
 * Tokens of the Launcher API. A token (from `POST auth`) is one app session
 * and one owner of records, with its handles (handles.ts). Live tokens are
 * never evicted: the table refuses new ones when full, one address may hold
 * only so many and get only so many new ones a minute, and a token unused for
 * its idle time is revoked with its handles (as PeerServer's `alive_timeout`),
 * so tokens a client failed to revoke go away by themselves.
 *
 * @module
 */
import type { LauncherApp } from '../launcher/api.js'
import { tooManyTokens } from '../launcher/errors.js'
import type { SignalingClock } from '../time/clock.js'
import { MemoryBudget } from './budget.js'
import { HandleTable } from './handles.js'
import {
  HANDLE_BYTES_PER_TOKEN,
  MAX_ANONYMOUS_HANDLES,
  MAX_HANDLES_PER_TOKEN,
  MAX_NEW_TOKENS_PER_ADDRESS_PER_MINUTE,
  MAX_TOKENS,
  MAX_TOKENS_PER_ADDRESS,
  TOKEN_IDLE_MS,
} from './limits.js'

import type { Session, SessionCounts, SessionStore } from './session-store.js'

export type { CipherOptsHandle, DataIdHandle, Handle, StructuredDataHandle } from './handles.js'
export { HandleTable } from './handles.js'
export { MAX_ANONYMOUS_HANDLES, MAX_HANDLES_PER_TOKEN, MAX_TOKENS } from './limits.js'
export type { Session, SessionStore } from './session-store.js'

/** A session of this process: its handles here, and when it was last used. */
export interface MemorySession extends Session {
  handles: HandleTable
  /** When it was last used, on the registry's clock. */
  lastUsedAt: number
}

/** Options of {@link SessionRegistry}. */
export interface SessionLimits {
  /** See {@link MAX_HANDLES_PER_TOKEN}. */
  maxHandlesPerToken?: number
  /** Most bytes of handles one token holds (its least recently used are forgotten past it). Default {@link HANDLE_BYTES_PER_TOKEN}. */
  handleBytesPerToken?: number
  /** See {@link MAX_ANONYMOUS_HANDLES}. */
  maxAnonymousHandles?: number
  /** See {@link MAX_TOKENS}. */
  maxTokens?: number
  /** See {@link MAX_TOKENS_PER_ADDRESS}. */
  maxTokensPerAddress?: number
  /** See {@link MAX_NEW_TOKENS_PER_ADDRESS_PER_MINUTE}. */
  newTokensPerAddressPerMinute?: number
  /** See {@link TOKEN_IDLE_MS}. */
  tokenIdleMs?: number
}

/** One minute in ms: the window of {@link SessionLimits.newTokensPerAddressPerMinute}. */
export const MINUTE_MS = 60_000

/** The limits of a session store, each given or its default. */
export function sessionLimits(limits: SessionLimits): Required<SessionLimits> {
  return {
    maxHandlesPerToken: limits.maxHandlesPerToken ?? MAX_HANDLES_PER_TOKEN,
    handleBytesPerToken: limits.handleBytesPerToken ?? HANDLE_BYTES_PER_TOKEN,
    maxAnonymousHandles: limits.maxAnonymousHandles ?? MAX_ANONYMOUS_HANDLES,
    maxTokens: limits.maxTokens ?? MAX_TOKENS,
    maxTokensPerAddress: limits.maxTokensPerAddress ?? MAX_TOKENS_PER_ADDRESS,
    newTokensPerAddressPerMinute: limits.newTokensPerAddressPerMinute ?? MAX_NEW_TOKENS_PER_ADDRESS_PER_MINUTE,
    tokenIdleMs: limits.tokenIdleMs ?? TOKEN_IDLE_MS,
  }
}

/** Bytes of the handles of requests without a token: as many as four tokens hold. */
export const ANONYMOUS_HANDLE_BYTES_FACTOR = 4

/** A new token: 32 random bytes, base64url. */
export function newToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
}

/** Every session in this process, and the handle table of requests without a token (the memory server's {@link SessionStore}). */
export class SessionRegistry implements SessionStore {
  /** Handles of requests that carry no token (public reads). */
  readonly anonymous: HandleTable
  private readonly sessions = new Map<string, MemorySession>()
  private readonly byOwner = new Map<string, MemorySession>()
  private readonly perAddress = new Map<string, { live: number; windowStart: number; granted: number }>()
  private readonly limits: Required<SessionLimits>
  private sweepTimer: unknown

  /**
   * @param budget - the server's memory budget, which handles are charged to
   * @param clock - times idle expiry
   * @param limits - see {@link SessionLimits}
   */
  constructor(
    private readonly budget: MemoryBudget,
    private readonly clock: SignalingClock,
    limits: SessionLimits = {},
  ) {
    this.limits = sessionLimits(limits)
    const anonymousBytes = this.limits.handleBytesPerToken * ANONYMOUS_HANDLE_BYTES_FACTOR
    this.anonymous = new HandleTable(this.limits.maxAnonymousHandles, { budget, maxBytes: anonymousBytes })
    this.scheduleSweep()
  }

  /** The token limit: a size for caches kept per token. */
  get maxTokensHint(): number {
    return this.limits.maxTokens
  }

  /** How many tokens are valid. */
  get size(): number {
    return this.sessions.size
  }

  /** What `/health` reports. */
  counts(): SessionCounts {
    return { tokens: this.size, handles: this.openHandles, handleBytes: this.handleBytes }
  }

  /** How many handles are open across all sessions. */
  get openHandles(): number {
    let count = this.anonymous.size
    for (const session of this.sessions.values()) count += session.handles.size
    return count
  }

  /** Bytes of handles held across all sessions. */
  get handleBytes(): number {
    let bytes = this.anonymous.bytes
    for (const session of this.sessions.values()) bytes += session.handles.bytes
    return bytes
  }

  /** The address the live token of `owner` was granted to; undefined once it is revoked. */
  addressOf(owner: string): string | undefined {
    return this.byOwner.get(owner)?.address
  }

  /** Starts a session for `app` owned by `owner`, granted to `address`; 429 when the table, or the address's share, is full. */
  open(app: LauncherApp, permissions: string[], owner: string, address: string): MemorySession {
    const now = this.clock.now()
    const quota = this.quotaOf(address, now)
    if (this.sessions.size >= this.limits.maxTokens) throw tooManyTokens(`the server holds its limit of ${this.limits.maxTokens} tokens`, this.limits.tokenIdleMs)
    if (quota.live >= this.limits.maxTokensPerAddress) throw tooManyTokens(`your address holds its limit of ${this.limits.maxTokensPerAddress} tokens`, this.limits.tokenIdleMs)
    if (quota.granted >= this.limits.newTokensPerAddressPerMinute) throw tooManyTokens(`your address got its ${this.limits.newTokensPerAddressPerMinute} new tokens this minute`, MINUTE_MS)
    quota.live++
    quota.granted++
    const token = newToken()
    const handles = new HandleTable(this.limits.maxHandlesPerToken, { budget: this.budget, maxBytes: this.limits.handleBytesPerToken })
    const session: MemorySession = { token, app, permissions, owner, handles, address, lastUsedAt: now }
    this.sessions.set(token, session)
    this.byOwner.set(owner, session)
    return session
  }

  /** The session of `token`, marked as just used; undefined when unknown, revoked or idle past its time. */
  find(token: string): MemorySession | undefined {
    const session = this.sessions.get(token)
    if (session === undefined) return undefined
    const now = this.clock.now()
    if (now - session.lastUsedAt >= this.limits.tokenIdleMs) {
      this.revoke(token)
      return undefined
    }
    session.lastUsedAt = now
    return session
  }

  /** Revokes `token`, dropping its handles (their bytes go back to the budget). */
  revoke(token: string): boolean {
    const session = this.sessions.get(token)
    if (session === undefined) return false
    this.sessions.delete(token)
    this.byOwner.delete(session.owner)
    session.handles.clear()
    const quota = this.perAddress.get(session.address)
    if (quota !== undefined) {
      quota.live--
      this.forgetQuota(session.address, quota, this.clock.now())
    }
    return true
  }

  /** Revokes every token idle for its idle time (called on a timer of the clock, and by tests). */
  sweep(): void {
    const now = this.clock.now()
    for (const [token, session] of this.sessions) if (now - session.lastUsedAt >= this.limits.tokenIdleMs) this.revoke(token)
    for (const [address, quota] of this.perAddress) this.forgetQuota(address, quota, now)
  }

  /** Revokes every token and stops the idle timer. */
  close(): void {
    this.clock.clearTimeout(this.sweepTimer)
    for (const token of [...this.sessions.keys()]) this.revoke(token)
    this.anonymous.clear()
  }

  private scheduleSweep(): void {
    const every = Math.max(1, Math.min(MINUTE_MS, Math.floor(this.limits.tokenIdleMs / 4)))
    this.sweepTimer = this.clock.setTimeout(() => {
      this.sweep()
      this.scheduleSweep()
    }, every)
    const timer = this.sweepTimer
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
  }

  private quotaOf(address: string, now: number): { live: number; windowStart: number; granted: number } {
    let quota = this.perAddress.get(address)
    if (quota === undefined) this.perAddress.set(address, (quota = { live: 0, windowStart: now, granted: 0 }))
    if (now - quota.windowStart >= MINUTE_MS) Object.assign(quota, { windowStart: now, granted: 0 })
    return quota
  }

  private forgetQuota(address: string, quota: { live: number; windowStart: number }, now: number): void {
    if (quota.live <= 0 && now - quota.windowStart >= MINUTE_MS) this.perAddress.delete(address)
  }
}
