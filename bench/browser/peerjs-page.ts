/**
 * The minimal PeerJS page of the real-pages row, as small as a PeerJS app gets:
 * it loads PeerJS's browser build, opens a Peer with the id `?id=`, and when
 * `?to=` names another page's id, connects to it once its own Peer is open
 * (PeerServer holds the offer until the other page's Peer arrives). It shows
 * its state in `[data-testid=state]` as the signalbox page does: `joining`,
 * then `connected` once the data connection is open (or `failed`).
 */

/** The page's HTML. */
export const PEERJS_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>PeerJS call</title></head>
<body>
  <h1>PeerJS call <span data-testid="state">idle</span></h1>
  <p data-testid="error"></p>
  <script src="/peerjs.min.js"></script>
  <script>
    const params = new URLSearchParams(location.search)
    const show = (state) => { document.querySelector('[data-testid=state]').textContent = state }
    show('joining')
    const peer = new peerjs.Peer(params.get('id'), {
      host: location.hostname, port: Number(location.port), path: '/peerjs', key: 'peerjs', secure: false,
      config: { iceServers: [] }, debug: 0,
    })
    const whenOpen = (connection) => connection.on('open', () => show('connected'))
    peer.on('connection', whenOpen)
    peer.on('open', () => { if (params.get('to')) whenOpen(peer.connect(params.get('to'))) })
    peer.on('error', (error) => {
      document.querySelector('[data-testid=error]').textContent = String(error)
      show('failed')
    })
  </script>
</body>
</html>
`
