// The pretend shop's side of the embedding (embed-demo.html): hands the member's token to the
// LotusDesk iframe by postMessage, addressed to the iframe's origin only, and badges unread messages.
// A separate file, not an inline script: LotusDesk's Content-Security-Policy allows only its own files.
const params = new URLSearchParams(location.search);
const iframe = document.getElementById('lotusdesk');
const panel = document.getElementById('chat-panel');
const button = document.getElementById('chat-button');
const badge = document.getElementById('badge');
const deskOrigin = new URL(iframe.src, location.href).origin;
if (params.get('lang')) iframe.src = '/embed?lang=' + encodeURIComponent(params.get('lang'));

async function memberToken() {
  if (params.get('token')) return params.get('token');
  const res = await fetch('/api/dev/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '林居士', role: 'member' }) });
  return res.ok ? (await res.json()).token : null;
}

window.addEventListener('message', async (event) => {
  if (event.source !== iframe.contentWindow || event.origin !== deskOrigin) return;
  if (event.data && event.data.type === 'lotusdesk:ready') {
    const token = await memberToken();
    if (token) iframe.contentWindow.postMessage({ type: 'lotusdesk:token', token }, deskOrigin);
  }
  if (event.data && event.data.type === 'lotusdesk:unread') {
    badge.hidden = !event.data.count;
    badge.textContent = String(event.data.count || '');
  }
});

button.addEventListener('click', () => {
  panel.hidden = !panel.hidden;
  button.setAttribute('aria-expanded', String(!panel.hidden));
});
