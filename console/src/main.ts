// The console's first screen: the apps and their processed event counts, straight from the API.
// The full console (pipeline builder, dashboards, explorations) arrives with the web console issue.

interface App {
  appId: string;
  name: string;
  platform: string;
  enabled: boolean;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function render(target: HTMLElement): Promise<void> {
  try {
    const { apps } = await getJson<{ apps: App[] }>('/api/apps');
    if (apps.length === 0) {
      target.textContent = 'No apps yet.';
      return;
    }
    const counts = await Promise.all(
      apps.map((a) => getJson<{ events: number }>(`/api/apps/${encodeURIComponent(a.appId)}/event-count`)),
    );
    const table = document.createElement('table');
    table.innerHTML = '<thead><tr><th>App</th><th>App id</th><th>Platform</th><th class="num">Events</th></tr></thead>';
    const body = table.createTBody();
    apps.forEach((app, i) => {
      const row = body.insertRow();
      row.append(cell(app.name), cell(app.appId), cell(app.platform), cell(String(counts[i]?.events ?? 0), 'num'));
    });
    target.replaceChildren(table);
    const curl = document.getElementById('curl');
    if (curl && apps[0]) {
      curl.textContent = `curl -X POST '${location.origin}/collect?appId=${apps[0].appId}' \\\n  -H 'content-type: application/json' \\\n  -d '[{"event_type":"hello","event_id":"'$(uuidgen)'","timestamp":'$(date +%s000)',"app_id":"${apps[0].appId}"}]'`;
    }
  } catch (error) {
    const alert = document.createElement('p');
    alert.setAttribute('role', 'alert');
    alert.textContent = `Could not load apps: ${error instanceof Error ? error.message : String(error)}`;
    target.replaceChildren(alert);
  }
}

const target = document.getElementById('apps');
if (target) {
  void render(target);
  setInterval(() => void render(target), 5000);
}
