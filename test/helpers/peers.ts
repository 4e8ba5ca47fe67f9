import type { SimplePeerInstance } from '../../src/index.js'

/** The next message `peer` receives on its data channel, as text. */
export function nextMessage(peer: SimplePeerInstance): Promise<string> {
  return new Promise((resolve) => peer.once('data', (data: Uint8Array) => resolve(new TextDecoder().decode(data))))
}
