/**
 * Automatic Dharma reply rules: keywords (either script), the reply, on or off; add, edit,
 * delete. The server verifies every quote in a reply: a misquote is refused, and the refusal
 * shows the authentic passage next to the rule being edited.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n';
import { useSession } from '../../session';
import { ActionStatus } from './ActionStatus';
import { addRule, deleteRule, fetchRules, splitKeywords, updateRule, type Rule } from './dharmaApi';
import { useAdminAction } from './useAdminAction';

/** The rules panel (admins). */
export function RulesPanel() {
  const { api } = useSession();
  const { t } = useI18n();
  const [rules, setRules] = useState<Rule[] | null>(null);
  const { status, error, run } = useAdminAction();

  useEffect(() => {
    void run(() => fetchRules(api), setRules);
  }, [api, run]);

  return (
    <section className="dh-card" aria-labelledby="dh-rules-title">
      <h2 id="dh-rules-title">{t('dh.rules.title')}</h2>
      <p className="muted">{t('dh.rules.help')}</p>
      <ActionStatus status={status} error={error} />
      {!rules && <p role="status">{t('app.loading')}</p>}
      <ol className="dh-rules" data-testid="rules">
        {rules?.map((r, i) => (
          <li key={r.id}>
            <RuleEditor
              rule={r}
              n={i + 1}
              onSaved={(saved) => setRules((now) => now?.map((x) => (x.id === saved.id ? saved : x)) ?? null)}
              onDeleted={() => setRules((now) => now?.filter((x) => x.id !== r.id) ?? null)}
            />
          </li>
        ))}
      </ol>
      <h3>{t('dh.rules.new')}</h3>
      <RuleEditor rule={null} n={0} onSaved={(saved) => setRules((now) => [...(now ?? []), saved])} />
    </section>
  );
}

function RuleEditor({ rule, n, onSaved, onDeleted }: { rule: Rule | null; n: number; onSaved(r: Rule): void; onDeleted?(): void }) {
  const { api } = useSession();
  const { t } = useI18n();
  const [keywords, setKeywords] = useState(rule?.keywords.join('、') ?? '');
  const [reply, setReply] = useState(rule?.reply ?? '');
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const { busy, status, error, run, setError } = useAdminAction();
  const ids = { kw: useId(), reply: useId(), on: useId(), err: useId() };
  const label = rule ? t('dh.rules.ruleN', { n, keywords: rule.keywords.join('、') }) : t('dh.rules.new');
  const dirty = !rule || keywords !== rule.keywords.join('、') || reply !== rule.reply || enabled !== rule.enabled;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const kws = splitKeywords(keywords);
    if (!kws.length) return setError({ text: t('dh.rules.needKeyword'), code: 'invalid' });
    if (!reply.trim()) return setError({ text: t('dh.rules.needReply'), code: 'invalid' });
    const body = { keywords: kws, reply: reply.trim(), enabled };
    const saved = await run(() => (rule ? updateRule(api, rule.id, body) : addRule(api, body)), () => t(rule ? 'dh.rules.saved' : 'dh.rules.added'));
    if (!saved) return;
    onSaved(saved);
    if (!rule) {
      setKeywords('');
      setReply('');
      setEnabled(true);
    }
  };
  const remove = async () => {
    if (!rule || !window.confirm(t('dh.rules.confirmDelete', { keywords: rule.keywords.join('、') }))) return;
    const ok = await run(() => deleteRule(api, rule.id).then(() => true));
    if (ok) onDeleted?.();
  };

  return (
    <form className={`dh-rule${rule && !rule.enabled ? ' dh-off' : ''}`} onSubmit={save} aria-label={label} data-testid={rule ? 'rule' : 'rule-new'} data-rule-id={rule?.id}>
      <div className="dh-rule-grid">
        <label htmlFor={ids.kw}>{t('dh.rules.keywords')}</label>
        <input id={ids.kw} value={keywords} onChange={(e) => setKeywords(e.target.value)} aria-describedby={`${ids.kw}-hint`} data-testid="rule-keywords" />
        <span id={`${ids.kw}-hint`} className="muted dh-hint">
          {t('dh.rules.keywordsHint')}
        </span>
        <label htmlFor={ids.reply}>{t('dh.rules.reply')}</label>
        <textarea id={ids.reply} rows={3} maxLength={1000} value={reply} onChange={(e) => setReply(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? ids.err : undefined} data-testid="rule-reply" />
      </div>
      <div className="dh-row">
        <input id={ids.on} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} data-testid="rule-enabled" />
        <label htmlFor={ids.on}>{t('dh.rules.enabled')}</label>
        <span className="spacer" />
        {rule && (
          <button type="button" className="btn-danger" disabled={busy} onClick={() => void remove()}>
            {t('dh.delete')}
          </button>
        )}
        <button type="submit" className="btn-primary" disabled={busy || !dirty} data-testid="rule-save">
          {rule ? t('dh.save') : t('dh.rules.addButton')}
        </button>
      </div>
      <ActionStatus status={status} error={error} id={ids.err} />
    </form>
  );
}
