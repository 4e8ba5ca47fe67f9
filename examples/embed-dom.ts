/**
 * Embedding the signaling machine in a UI: plain DOM, no framework. The
 * session's actor is an ordinary XState actor, so any UI can subscribe to it;
 * with React, `useSelector(call.actor, (snapshot) => snapshot.value)` from
 * @xstate/react does the same as the subscription below.
 *
 * Type-checked by test/examples.test.ts (and `npm run typecheck`).
 */
import { createSignaling, SafeLauncherStore, type SignalingSession, type SimplePeerInstance } from 'signalbox'

/** Mounts a small call widget for `room` into `root`; returns the session. */
export function mountCall(root: HTMLElement, room: string, serverUrl: string): SignalingSession<SimplePeerInstance> {
  const status = document.createElement('p')
  const hangup = document.createElement('button')
  hangup.textContent = 'Hang up'
  const video = document.createElement('video')
  video.autoplay = true
  video.playsInline = true
  root.replaceChildren(status, video, hangup)

  const signaling = createSignaling({ store: new SafeLauncherStore({ url: serverUrl }) })
  const call = signaling.join(room, {
    onPeer: (peer) => peer.on('stream', (stream: MediaStream) => (video.srcObject = stream)),
  })

  // Render from the actor: every state change, with the error in words when it fails.
  call.actor.subscribe((snapshot) => {
    const error = snapshot.context.error
    status.textContent = error === null ? snapshot.value : `${snapshot.value}: ${error.code} — ${error.message}`
    hangup.disabled = snapshot.value === 'closed'
  })
  hangup.onclick = () => void call.hangup()
  call.connected.then(
    (peer) => peer.send(`hello from ${room}`),
    () => {
      // Failures are shown by the subscription above.
    },
  )
  return call
}
