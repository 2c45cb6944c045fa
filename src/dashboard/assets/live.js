// Live progress on the deployment page: log lines arrive over Server-Sent Events; as steps
// finish, the progress table (rendered on the server) is fetched again and swapped in.
(() => {
  const live = document.getElementById('live');
  if (!live) return;
  const id = live.dataset.deployment;
  const log = document.getElementById('log');
  const state = document.getElementById('log-state');
  const progress = document.getElementById('progress');
  const headerStatus = document.getElementById('deployment-status');
  const headerError = document.getElementById('deployment-error');
  const MAX_LINES = 300;
  // One fetch at a time; asks made meanwhile share one more fetch after it. The promise settles
  // once the table shows what the server had when it was last asked.
  let inFlight = null;
  let queued = null;
  const refresh = () => {
    if (inFlight) {
      queued ??= inFlight.then(() => {
        queued = null;
        return refresh();
      });
      return queued;
    }
    inFlight = fetch(`/dashboard/deployments/${id}/progress`, { credentials: 'same-origin' })
      .then(async (response) => {
        if (response.ok) progress.innerHTML = await response.text();
      })
      .catch(() => undefined)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const append = (text) => {
    log.append(`${text}\n`);
    while (log.childNodes.length > MAX_LINES) log.removeChild(log.firstChild);
    log.scrollTop = log.scrollHeight;
  };

  // EventSource reconnects by itself when the stream is cut, and the server then replays the status
  // lines of the finished steps (marked `replayed`): the ones this page already shows are skipped.
  const shownStatus = new Set();
  const events = new EventSource(`/dashboard/deployments/${id}/events`);
  events.onmessage = (event) => {
    const line = JSON.parse(event.data);
    if (line.stream === 'status') {
      const key = `${line.phaseKey}|${line.node}|${line.stepKey}|${line.line}`;
      if (line.replayed && shownStatus.has(key)) return;
      shownStatus.add(key);
    }
    append(`[${line.node}] ${line.line}`);
    if (line.stream === 'status') refresh();
  };
  events.addEventListener('end', async (event) => {
    const end = JSON.parse(event.data);
    state.textContent = `finished: ${end.status}`;
    live.dataset.finished = 'yes';
    events.close();
    if (end.error) {
      headerError.textContent = end.error;
      headerError.hidden = false;
    }
    await refresh();
    // The heading's badge was rendered with the page: take the final one the progress table now shows.
    const final = progress.querySelector('.status');
    if (final) headerStatus.replaceChildren(final.cloneNode(true));
  });
  events.onerror = () => {
    state.textContent = 'reconnecting…';
  };
  events.onopen = () => {
    if (live.dataset.finished !== 'yes') state.textContent = 'live';
  };
})();
