// Live progress on the deployment page: log lines arrive over Server-Sent Events; as steps
// finish, the progress table (rendered on the server) is fetched again and swapped in.
(() => {
  const live = document.getElementById('live');
  if (!live) return;
  const id = live.dataset.deployment;
  const log = document.getElementById('log');
  const state = document.getElementById('log-state');
  const progress = document.getElementById('progress');
  const MAX_LINES = 300;
  let refreshing = false;
  let again = false;

  const refresh = async () => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    try {
      const response = await fetch(`/dashboard/deployments/${id}/progress`, { credentials: 'same-origin' });
      if (response.ok) progress.innerHTML = await response.text();
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  };

  const append = (text) => {
    log.append(`${text}\n`);
    while (log.childNodes.length > MAX_LINES) log.removeChild(log.firstChild);
    log.scrollTop = log.scrollHeight;
  };

  const events = new EventSource(`/dashboard/deployments/${id}/events`);
  events.onmessage = (event) => {
    const line = JSON.parse(event.data);
    append(`[${line.node}] ${line.line}`);
    if (line.stream === 'status') refresh();
  };
  events.addEventListener('end', (event) => {
    const end = JSON.parse(event.data);
    state.textContent = `finished: ${end.status}`;
    live.dataset.finished = 'yes';
    events.close();
    refresh();
  });
  events.onerror = () => {
    state.textContent = 'reconnecting…';
  };
  events.onopen = () => {
    if (live.dataset.finished !== 'yes') state.textContent = 'live';
  };
})();
