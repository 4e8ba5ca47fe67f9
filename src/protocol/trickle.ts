/**
 * Trickle ICE through the store, in the seed's record format: a record's
 * session description carries every ICE candidate gathered so far as
 * `a=candidate:` lines of its media sections, so a seed-style reader (one read,
 * `trickle: false`) always finds a complete description; a signalbox reader
 * applies the candidates of a newer version of the record it has not applied
 * yet (see docs/architecture.md, "Trickle ICE").
 *
 * @module
 */

/** One ICE candidate as simple-peer signals it with `trickle: true`. */
export interface IceCandidate {
  /** The `candidate:…` attribute value (without `a=`). */
  candidate: string
  /** Index of the media section it belongs to. */
  sdpMLineIndex?: number | null
  /** The `a=mid` of the media section it belongs to. */
  sdpMid?: string | null
}

/** A candidate signal of simple-peer (`trickle: true`). */
export interface CandidateSignal {
  type: 'candidate'
  candidate: IceCandidate
}

const LINE_BREAK = '\r\n'
const CANDIDATE_PREFIX = 'a=candidate:'

/** True when `signal` is a candidate signal (not a description). */
export function isCandidateSignal(signal: unknown): signal is CandidateSignal {
  return typeof signal === 'object' && signal !== null && (signal as { type?: unknown }).type === 'candidate'
}

/** Splits an SDP into its session part and its media sections (each starting at its `m=` line). */
function sectionsOf(sdp: string): { session: string[]; media: string[][] } {
  const lines = sdp.split(/\r?\n/).filter((line) => line !== '')
  const session: string[] = []
  const media: string[][] = []
  for (const line of lines) {
    if (line.startsWith('m=')) media.push([line])
    else if (media.length === 0) session.push(line)
    else media[media.length - 1]!.push(line)
  }
  return { session, media }
}

function join(session: string[], media: string[][]): string {
  return [...session, ...media.flat()].join(LINE_BREAK) + LINE_BREAK
}

function midOf(section: string[]): string | undefined {
  return section.find((line) => line.startsWith('a=mid:'))?.slice('a=mid:'.length)
}

/**
 * `sdp` with `candidate` added to its media section (by `sdpMid`, else by
 * `sdpMLineIndex`); unchanged when it is there already or names no section.
 */
export function foldCandidate(sdp: string, candidate: IceCandidate): string {
  const { session, media } = sectionsOf(sdp)
  const byMid = candidate.sdpMid == null ? -1 : media.findIndex((section) => midOf(section) === candidate.sdpMid)
  const index = byMid >= 0 ? byMid : (candidate.sdpMLineIndex ?? -1)
  const section = media[index]
  if (section === undefined || candidate.candidate === '') return sdp
  const line = `a=${candidate.candidate.replace(/^a=/, '')}`
  if (section.includes(line)) return sdp
  // Before an `a=end-of-candidates`, if any; else at the end of the section.
  const end = section.indexOf('a=end-of-candidates')
  section.splice(end >= 0 ? end : section.length, 0, line)
  return join(session, media)
}

/** Every candidate an SDP carries, with the media section it belongs to. */
export function candidatesOf(sdp: string): IceCandidate[] {
  const { media } = sectionsOf(sdp)
  return media.flatMap((section, index) => {
    const mid = midOf(section) ?? null
    return section
      .filter((line) => line.startsWith(CANDIDATE_PREFIX))
      .map((line) => ({ candidate: line.slice('a='.length), sdpMLineIndex: index, sdpMid: mid }))
  })
}

/** The key of a candidate for "applied already" checks: its media section and its text. */
export function candidateKey(candidate: IceCandidate): string {
  return `${candidate.sdpMid ?? candidate.sdpMLineIndex ?? ''} ${candidate.candidate.replace(/^a=/, '')}`
}
