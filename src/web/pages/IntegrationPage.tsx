/**
 * 串接設定 (/integration, admins): the shop's API keys (created with scopes, shown once, revoked
 * at once, last use shown) and webhook endpoints (events, health, delivery log with replay). A
 * `webhook.disabled` frame refreshes the list and says which endpoint was turned off.
 */
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { API_KEY_SCOPES, WEBHOOK_EVENT_TYPES, type ApiKeyDto, type ApiKeyScope, type WebhookDeliveryDto, type WebhookDto, type WebhookEventType } from '../../shared/integration';
import { ActionStatus } from '../components/dharma/ActionStatus';
import { useAdminAction } from '../components/dharma/useAdminAction';
import '../components/dharma/dharma.css';
import { useI18n, type MessageKey } from '../i18n';
import { useSession } from '../session';

const when = (iso: string | null, locale: string) => (iso ? new Date(iso).toLocaleString(locale) : '');

/** The integration page. */
export function IntegrationPage() {
  const { t } = useI18n();
  return (
    <div className="dh-page">
      <header className="dh-head">
        <h1>{t('ig.title')}</h1>
        <p className="muted">{t('ig.help')}</p>
      </header>
      <div className="dh-col">
        <ApiKeysPanel />
        <WebhooksPanel />
      </div>
    </div>
  );
}

function ApiKeysPanel() {
  const { api } = useSession();
  const { t, locale } = useI18n();
  const [keys, setKeys] = useState<ApiKeyDto[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['users:read']);
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const { busy, status, error, run } = useAdminAction();
  const ids = { name: useId(), scopes: useId() };

  const load = useCallback(() => run(async () => (await api.request<{ apiKeys: ApiKeyDto[] }>('GET', '/api/api-keys')).apiKeys, setKeys), [api, run]);
  useEffect(() => void load(), [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const made = await run(() => api.request<{ apiKey: ApiKeyDto & { key: string } }>('POST', '/api/api-keys', { name: name.trim(), scopes }));
    if (!made) return;
    setShown({ name: made.apiKey.name, key: made.apiKey.key });
    setName('');
    await load();
  };
  const revoke = async (k: ApiKeyDto) => {
    setShown(null);
    await run(() => api.request('DELETE', `/api/api-keys/${k.id}`), () => t('ig.keys.revokedDone', { name: k.name }));
    await load();
  };

  return (
    <section className="dh-card" aria-labelledby="ig-keys-title" data-testid="api-keys">
      <h2 id="ig-keys-title">{t('ig.keys.title')}</h2>
      <p className="muted">{t('ig.keys.help')}</p>
      <form onSubmit={create} className="dh-stack">
        <div className="dh-row">
          <label htmlFor={ids.name}>{t('ig.keys.name')}</label>
          <input id={ids.name} value={name} maxLength={100} required onChange={(e) => setName(e.target.value)} />
        </div>
        <fieldset className="dh-row" aria-describedby={ids.scopes}>
          <legend id={ids.scopes}>{t('ig.keys.scopes')}</legend>
          {API_KEY_SCOPES.map((s) => (
            <label key={s} className="dh-row">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((now) => (e.target.checked ? [...now, s] : now.filter((x) => x !== s)))}
              />
              {t(`ig.scope.${s}` as MessageKey)} <code>{s}</code>
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" disabled={busy || !name.trim() || scopes.length === 0}>{t('ig.keys.create')}</button>
        </div>
      </form>
      {shown && (
        <div role="status" className="dh-result" data-testid="new-key">
          <p>{t('ig.keys.created', { name: shown.name })}</p>
          <code style={{ wordBreak: 'break-all' }}>{shown.key}</code>
        </div>
      )}
      <ActionStatus status={status} error={error} />
      {keys && keys.length === 0 && <p className="muted">{t('ig.keys.none')}</p>}
      {keys && keys.length > 0 && (
        <div className="dh-scroll">
          <table className="dh-table">
            <thead>
              <tr>
                <th scope="col">{t('ig.keys.name')}</th>
                <th scope="col">{t('ig.keys.prefix')}</th>
                <th scope="col">{t('ig.keys.scopes')}</th>
                <th scope="col">{t('ig.keys.createdAt')}</th>
                <th scope="col">{t('ig.keys.lastUsed')}</th>
                <th scope="col">{t('ig.keys.status')}</th>
                <th scope="col"><span className="sr-only">{t('ig.keys.revoke')}</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'dh-off' : undefined}>
                  <th scope="row">{k.name}</th>
                  <td><code>{k.prefix}…</code></td>
                  <td>{k.scopes.map((s) => t(`ig.scope.${s}` as MessageKey)).join('、')}</td>
                  <td>{when(k.createdAt, locale)}</td>
                  <td>{k.lastUsedAt ? when(k.lastUsedAt, locale) : t('ig.keys.never')}</td>
                  <td>{k.revokedAt ? t('ig.keys.revoked', { at: when(k.revokedAt, locale) }) : t('ig.keys.active')}</td>
                  <td>
                    {!k.revokedAt && (
                      <button type="button" className="dh-small" disabled={busy} aria-label={t('ig.keys.revokeOf', { name: k.name })} onClick={() => void revoke(k)}>
                        {t('ig.keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function WebhooksPanel() {
  const { api, conn } = useSession();
  const { t, locale } = useI18n();
  const [hooks, setHooks] = useState<WebhookDto[] | null>(null);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['chat.closed']);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const { busy, status, error, run, setStatus } = useAdminAction();
  const ids = { url: useId(), desc: useId(), events: useId() };

  const load = useCallback(() => run(async () => (await api.request<{ webhooks: WebhookDto[] }>('GET', '/api/webhooks')).webhooks, setHooks), [api, run]);
  useEffect(() => void load(), [load]);
  useEffect(
    () =>
      conn.on('frame', (f) => {
        if (f.type !== 'webhook.disabled') return;
        setStatus(t('ig.hooks.disabledAlert', { url: String(f.url) }));
        void load();
      }),
    [conn, load, setStatus, t],
  );

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const made = await run(() => api.request<{ webhook: { secret: string } }>('POST', '/api/webhooks', { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) }));
    if (!made) return;
    setSecret(made.webhook.secret);
    setUrl('');
    setDescription('');
    await load();
  };

  return (
    <section className="dh-card" aria-labelledby="ig-hooks-title" data-testid="webhooks">
      <h2 id="ig-hooks-title">{t('ig.hooks.title')}</h2>
      <p className="muted">{t('ig.hooks.help')}</p>
      <form onSubmit={create} className="dh-stack">
        <div className="dh-row">
          <label htmlFor={ids.url}>{t('ig.hooks.url')}</label>
          <input id={ids.url} type="url" value={url} required placeholder="https://shop.example.com/lotusdesk/webhook" onChange={(e) => setUrl(e.target.value)} />
        </div>
        <div className="dh-row">
          <label htmlFor={ids.desc}>{t('ig.hooks.description')}</label>
          <input id={ids.desc} value={description} maxLength={500} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <fieldset className="dh-row">
          <legend id={ids.events}>{t('ig.hooks.events')}</legend>
          {WEBHOOK_EVENT_TYPES.map((ev) => (
            <label key={ev} className="dh-row">
              <input type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents((now) => (e.target.checked ? [...now, ev] : now.filter((x) => x !== ev)))} />
              <code>{ev}</code>
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" disabled={busy || !url.trim() || events.length === 0}>{t('ig.hooks.create')}</button>
        </div>
      </form>
      {secret && (
        <div role="status" className="dh-result" data-testid="new-secret">
          <p>{t('ig.hooks.created')}</p>
          <code style={{ wordBreak: 'break-all' }}>{secret}</code>
        </div>
      )}
      <ActionStatus status={status} error={error} />
      {hooks && hooks.length === 0 && <p className="muted">{t('ig.hooks.none')}</p>}
      <ul className="dh-list">
        {hooks?.map((h) => (
          <li key={h.id} className={`dh-rule${h.disabledAt ? ' dh-off' : ''}`}>
            <div className="dh-row">
              <strong style={{ wordBreak: 'break-all' }}>{h.url}</strong>
              <span className="dh-pill">
                {h.disabledAt ? t('ig.hooks.disabled', { at: when(h.disabledAt, locale) }) : h.failingSince ? t('ig.hooks.failing', { at: when(h.failingSince, locale) }) : t('ig.hooks.ok')}
              </span>
            </div>
            {h.description && <p className="muted">{h.description}</p>}
            <p className="muted">{h.events.join(', ')}</p>
            <div className="dh-row">
              <button type="button" className="dh-small" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>
                {t('ig.hooks.log')}
              </button>
              {h.disabledAt && (
                <button type="button" className="dh-small" disabled={busy} onClick={() => void run(() => api.request('POST', `/api/webhooks/${h.id}/enable`)).then(load)}>
                  {t('ig.hooks.enable')}
                </button>
              )}
              <button type="button" className="dh-small" disabled={busy} aria-label={t('ig.hooks.deleteOf', { url: h.url })} onClick={() => void run(() => api.request('DELETE', `/api/webhooks/${h.id}`)).then(load)}>
                {t('ig.hooks.delete')}
              </button>
            </div>
            {open === h.id && <DeliveryLog hook={h} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function DeliveryLog({ hook }: { hook: WebhookDto }) {
  const { api } = useSession();
  const { t, locale } = useI18n();
  const [rows, setRows] = useState<WebhookDeliveryDto[] | null>(null);
  const { busy, status, error, run } = useAdminAction();
  const load = useCallback(() => run(async () => (await api.request<{ deliveries: WebhookDeliveryDto[] }>('GET', `/api/webhooks/${hook.id}/deliveries`)).deliveries, setRows), [api, hook.id, run]);
  useEffect(() => void load(), [load]);
  const replay = async (d: WebhookDeliveryDto) => {
    await run(() => api.request('POST', `/api/webhooks/${hook.id}/deliveries/${d.eventId}/replay`), () => t('ig.hooks.replayed'));
    await load();
  };
  return (
    <div className="dh-tall">
      <ActionStatus status={status} error={error} />
      {rows && rows.length === 0 && <p className="muted">{t('ig.hooks.logEmpty')}</p>}
      {rows && rows.length > 0 && (
        <table className="dh-table">
          <caption>{t('ig.hooks.logOf', { url: hook.url })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ig.col.event')}</th>
              <th scope="col">{t('ig.col.status')}</th>
              <th scope="col" className="num">{t('ig.col.attempt')}</th>
              <th scope="col">{t('ig.col.at')}</th>
              <th scope="col">{t('ig.col.error')}</th>
              <th scope="col"><span className="sr-only">{t('ig.hooks.replay')}</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id}>
                <th scope="row"><code>{d.type}</code></th>
                <td>{t(`ig.delivery.${d.status}` as MessageKey)}</td>
                <td className="num">{d.attempt}</td>
                <td>{when(d.at, locale)}</td>
                <td>{d.error ?? ''}</td>
                <td>
                  <button type="button" className="dh-small" disabled={busy} onClick={() => void replay(d)}>{t('ig.hooks.replay')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
