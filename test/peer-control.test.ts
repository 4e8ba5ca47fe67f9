/**
 * The receiving side of a hang-up counts the messages that reached its
 * JavaScript, not WebRTC's statistics (which, under load, run ahead of the
 * message events still queued): src/peer/control.ts, countReceivedMessages.
 * Real channels would make the race a matter of timing, so these are plain
 * EventTargets shaped as simple-peer's internals.
 */
import { describe, expect, it } from 'vitest'
import { CONTROL_CHANNEL_LABEL, countReceivedMessages } from '../src/peer/control.js'

/** A data channel: an EventTarget with a label, as RTCDataChannel is. */
function channel(label: string): EventTarget & { label: string } {
  return Object.assign(new EventTarget(), { label })
}

function deliver(target: EventTarget, count: number): void {
  for (let index = 0; index < count; index++) target.dispatchEvent(new Event('message'))
}

describe('countReceivedMessages', () => {
  it("counts the initiator's channel from the peer's making on", () => {
    const user = channel('user')
    const count = countReceivedMessages({ _channel: user, _pc: new EventTarget() })
    expect(count()).toBe(0)
    deliver(user, 3)
    expect(count()).toBe(3)
  })

  it("watches the recipient's channel as soon as the connection hands it over, and never the control channel", () => {
    const pc = new EventTarget()
    const count = countReceivedMessages({ _channel: null, _pc: pc })
    expect(count()).toBeNull()
    const control = channel(CONTROL_CHANNEL_LABEL)
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: control }))
    deliver(control, 2)
    expect(count()).toBeNull()
    const user = channel('user')
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: user }))
    deliver(user, 5)
    expect(count()).toBe(5)
  })

  it('answers null for a peer without a connection (the fakes of signalbox/testing): the caller falls back', () => {
    expect(countReceivedMessages({})()).toBeNull()
  })
})
