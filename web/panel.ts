/**
 * The statechart panel, loaded after the page has joined (a dynamic import, in
 * its own chunk with elkjs): the ELK drawing of the signaling machine that
 * follows the current call's actor.
 */
import type { AnyActor } from 'xstate'
import { signalingMachine } from '../src/machines/signaling.machine.js'
import { drawStatechart } from '../src/diagram/live.js'

/** Draws the machine into `container`; returns the function that follows an actor (stopping the previous one). */
export async function openPanel(container: HTMLElement): Promise<(actor: AnyActor | undefined) => void> {
  const view = await drawStatechart(container, signalingMachine, { title: 'signaling statechart' })
  let stop = (): void => {}
  view.show('idle')
  return (actor) => {
    stop()
    stop = actor === undefined ? () => {} : view.follow(actor)
  }
}
